using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."telemetry/opentelemetry" at service level: krakend-otel v0.14.4's ConfigData with its
/// UnsetFieldsToDefaults already applied (reporting period 30 s, sample rate 1, every layer on, KrakenD's skip list).
/// </summary>
public sealed record OpenTelemetryOptions
{
    /// <summary>service.name of the resource: the option, else the config's "name", else "KrakenD" (config.FromLura).</summary>
    public string ServiceName { get; init; } = "KrakenD";

    /// <summary>service.version; empty means the gateway's version (KrakenD uses its own core.KrakendVersion).</summary>
    public string ServiceVersion { get; init; } = "";

    /// <summary>deployment.environment, left out of the resource when empty.</summary>
    public string DeployEnv { get; init; } = "";

    /// <summary>
    /// Ratio of new traces sampled. As in krakend-otel's state.go, only a value strictly between 0 and 1 samples
    /// (parent-based, trace-id ratio); 0, 1 or anything else samples every trace.
    /// </summary>
    public double TraceSampleRate { get; init; } = 1.0;

    /// <summary>metric_reporting_period in whole seconds (OTLP push interval); default 30.</summary>
    public int MetricReportingPeriod { get; init; } = 30;

    /// <summary>Request paths (exact match, as krakend-otel's SkipEndpoint) left uninstrumented.</summary>
    public ImmutableArray<string> SkipPaths { get; init; } = DefaultSkipPaths;

    public GlobalLayerOptions Global { get; init; } = GlobalLayerOptions.Default;
    public ProxyLayerOptions Proxy { get; init; } = ProxyLayerOptions.Default;
    public BackendLayerOptions Backend { get; init; } = BackendLayerOptions.Default;

    public ImmutableArray<OtlpExporterOptions> Otlp { get; init; } = [];
    public ImmutableArray<PrometheusExporterOptions> Prometheus { get; init; } = [];

    /// <summary>telemetry/opencensus's jaeger, zipkin and logger exporters; null for telemetry/opentelemetry.</summary>
    public OpenCensusOptions? OpenCensus { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>krakend-otel's default skip list, used when skip_paths is absent or empty (a list with "" disables it).</summary>
    public static readonly ImmutableArray<string> DefaultSkipPaths = ["/__health", "/__debug/", "/__echo/", "/__stats/"];
}

/// <summary>A static attribute (krakend-otel's KeyValue); pairs with an empty key or value are dropped by KrakenD.</summary>
public sealed record TelemetryAttribute(string Key, string Value);

/// <summary>layers.global: the HTTP server layer around the whole router.</summary>
public sealed record GlobalLayerOptions
{
    public bool DisableMetrics { get; init; }
    public bool DisableTraces { get; init; }
    public bool DisablePropagation { get; init; }
    public bool ReportHeaders { get; init; }
    public ImmutableArray<string> SkipHeaders { get; init; } = [];
    public ImmutableArray<TelemetryAttribute> MetricsStaticAttributes { get; init; } = [];
    public ImmutableArray<TelemetryAttribute> TracesStaticAttributes { get; init; } = [];

    /// <summary>
    /// semantic_convention: "1.27" switches the server and backend-request metrics to OpenTelemetry's semconv 1.27
    /// names and units; any other value keeps krakend-otel's default names (as krakend-otel does).
    /// </summary>
    public string SemanticConvention { get; init; } = "";

    /// <summary>The one semantic convention krakend-otel implements.</summary>
    public const string SemanticConvention127 = "1.27";

    public static bool IsKnownSemanticConvention(string value) => value == SemanticConvention127;

    public static readonly GlobalLayerOptions Default = new();
}

/// <summary>layers.proxy (krakend-otel's PipeOpts): the endpoint's proxy pipe.</summary>
public sealed record ProxyLayerOptions
{
    public bool DisableMetrics { get; init; }
    public bool DisableTraces { get; init; }
    public bool ReportHeaders { get; init; }
    public ImmutableArray<string> SkipHeaders { get; init; } = [];
    public ImmutableArray<TelemetryAttribute> MetricsStaticAttributes { get; init; } = [];
    public ImmutableArray<TelemetryAttribute> TracesStaticAttributes { get; init; } = [];

    public static readonly ProxyLayerOptions Default = new();
}

/// <summary>layers.backend: the backend stage and the HTTP request to the backend.</summary>
public sealed record BackendLayerOptions
{
    public BackendTelemetrySwitches Metrics { get; init; } = BackendTelemetrySwitches.Default;
    public BackendTelemetrySwitches Traces { get; init; } = BackendTelemetrySwitches.Default;

    public static readonly BackendLayerOptions Default = new();
}

/// <summary>
/// layers.backend.metrics / .traces. An absent block is krakend-otel's default (round_trip, read_payload and
/// detailed_connection on); a present block takes its booleans as written (false when left out).
/// </summary>
public sealed record BackendTelemetrySwitches
{
    public bool DisableStage { get; init; }
    public bool RoundTrip { get; init; } = true;
    public bool ReadPayload { get; init; } = true;
    public bool DetailedConnection { get; init; } = true;
    public ImmutableArray<TelemetryAttribute> StaticAttributes { get; init; } = [];
    public bool ReportHeaders { get; init; }
    public ImmutableArray<string> SkipHeaders { get; init; } = [];

    public static readonly BackendTelemetrySwitches Default = new();
}

/// <summary>
/// The per-endpoint or per-backend form: the namespace's value read as krakend-otel's LayersOpts, whose proxy or
/// backend block fully replaces the service's (attributes are not merged).
/// </summary>
public sealed record TelemetryLayerOverride
{
    public ProxyLayerOptions? Proxy { get; init; }
    public BackendLayerOptions? Backend { get; init; }

    /// <summary>The endpoint's global block: only its static attributes are read (router/gin New).</summary>
    public GlobalLayerOptions? Global { get; init; }
}

/// <summary>exporters.otlp[]: defaults host "localhost", port 4317, gRPC.</summary>
public sealed record OtlpExporterOptions
{
    public string Name { get; init; } = "";
    public string Host { get; init; } = "localhost";
    public int Port { get; init; } = 4317;
    public bool UseHttp { get; init; }
    public bool DisableMetrics { get; init; }
    public bool DisableTraces { get; init; }

    /// <summary>custom_metric_reporting_period in seconds; used instead of the global one when 1 or more.</summary>
    public int CustomMetricReportingPeriod { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>exporters.prometheus[]: a /metrics listener; default port 9090 on every address.</summary>
public sealed record PrometheusExporterOptions
{
    public string Name { get; init; } = "";
    public int Port { get; init; } = 9090;

    /// <summary>listen_ip (the documented key) or host (the key krakend-otel v0.14.4's struct reads); empty = all.</summary>
    public string ListenIp { get; init; } = "";
    public bool ProcessMetrics { get; init; }
    public bool GoMetrics { get; init; }
    public bool DisableMetrics { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
