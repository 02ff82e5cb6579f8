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

    /// <summary>exporters.influxdb: the metrics, as opencensus's HTTP views, written to InfluxDB 1.x every reporting period.</summary>
    public OcInfluxOptions? InfluxDb { get; init; }

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

/// <summary>
/// exporters.influxdb (kpacha/opencensus-influxdb): every reporting period, one point per view row (and one per
/// non-empty bucket of a distribution) POSTed to {address}/write?db={db}&amp;precision=s.
/// </summary>
public sealed record OcInfluxOptions
{
    /// <summary>address: the server's http:// or https:// URL.</summary>
    public string Address { get; init; } = "";

    /// <summary>db: the database the points go to.</summary>
    public string Database { get; init; } = "";

    /// <summary>username: with it, the writes carry HTTP basic credentials (with <see cref="Password"/>).</summary>
    public string Username { get; init; } = "";

    public string Password { get; init; } = "";

    /// <summary>timeout of a write; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (absent or unparsable, as in the Go client) for none.</summary>
    public TimeSpan Timeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>service_name: the "instance" tag of every point (left out when empty, as the Go client does).</summary>
    public string InstanceName { get; init; } = "";

    /// <summary>buffer_size: failed writes kept for the next period at most; 0 keeps Cuttle's default bound.</summary>
    public int BufferSize { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
