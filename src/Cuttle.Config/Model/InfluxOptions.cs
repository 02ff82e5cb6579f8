namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."telemetry/influx" (alias github_com/letgoapp/krakend-influx), service level: krakend-influx's
/// config. Every <see cref="Ttl"/> the collector's latest snapshot (telemetry/metrics) is written to InfluxDB 1.x over
/// HTTP in line protocol. KrakenD reads buffer_size as a Go int from a JSON number, which never matches (JSON numbers
/// decode as float64), so its retry buffer always holds nothing: a batch that fails is dropped, here too. Its
/// client's timeout is a fixed 10 s (no setting).
/// </summary>
public sealed record InfluxOptions
{
    /// <summary>The server's base URL ("http://influx:8086"); required.</summary>
    public required string Address { get; init; }

    /// <summary>HTTP basic credentials; sent when <see cref="Username"/> is not empty (the Go client's rule).</summary>
    public string Username { get; init; } = "";
    public string Password { get; init; } = "";

    /// <summary>How often the snapshot is sent; default one minute, always positive (Go's NewTicker panics otherwise).</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The database written to; default "krakend".</summary>
    public string Database { get; init; } = "krakend";

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
