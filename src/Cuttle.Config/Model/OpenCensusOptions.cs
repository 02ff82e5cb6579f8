namespace Cuttle.Config.Model;

/// <summary>
/// The exporters of extra_config."telemetry/opencensus" (krakend-opencensus v2) other than prometheus, which is
/// mapped onto <see cref="OpenTelemetryOptions.Prometheus"/>. They feed on the same spans and metrics as the
/// telemetry/opentelemetry ones; sample_rate, reporting_period and enabled_layers are mapped onto
/// <see cref="OpenTelemetryOptions"/> itself.
/// </summary>
public sealed record OpenCensusOptions
{
    public JaegerExporterOptions? Jaeger { get; init; }
    public ZipkinExporterOptions? Zipkin { get; init; }

    /// <summary>exporters.logger: every sampled span, and every metric at the reporting period, as a debug line.</summary>
    public bool Logger { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>
/// exporters.jaeger (contrib.go.opencensus.io/exporter/jaeger): Thrift batches POSTed to the collector at
/// <see cref="Endpoint"/> or, without it, sent to the agent at <see cref="AgentEndpoint"/> over UDP.
/// </summary>
public sealed record JaegerExporterOptions
{
    /// <summary>endpoint: the collector's full URL (http://jaeger:14268/api/traces).</summary>
    public string Endpoint { get; init; } = "";

    /// <summary>agent_endpoint: host:port of the agent's compact-Thrift UDP port (6831).</summary>
    public string AgentEndpoint { get; init; } = "";

    /// <summary>service_name of the batch's Process; "OpenCensus" when empty, as in the Go exporter.</summary>
    public string ServiceName { get; init; } = "OpenCensus";

    /// <summary>buffer_max_count: spans held in memory at most (the excess dropped); 0 keeps Cuttle's default bound.</summary>
    public int BufferMaxCount { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>
/// exporters.zipkin: JSON v2 spans POSTed to collector_url. Its service_name, the local endpoint's name, is bound as
/// <see cref="OpenTelemetryOptions.ServiceName"/> (the resource's service.name, which the exporter reports).
/// </summary>
public sealed record ZipkinExporterOptions
{
    public string CollectorUrl { get; init; } = "";

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
