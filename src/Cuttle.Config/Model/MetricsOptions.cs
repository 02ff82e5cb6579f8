namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."telemetry/metrics" (alias github_com/devopsfaith/krakend-metrics), service level: krakend-metrics'
/// Config. Its presence turns the in-process collector on; <see cref="EndpointDisabled"/> keeps the collector but
/// serves no /__stats.
/// </summary>
public sealed record MetricsOptions
{
    /// <summary>How often the collector aggregates: router connection counts move to their gauges and totals, and
    /// every histogram's sample is cleared (krakend-metrics' ticker). Default one minute; always positive.</summary>
    public TimeSpan CollectionTime { get; init; } = DefaultCollectionTime;

    /// <summary>The stats listener's address as written (Go's host:port, ":8090" by default).</summary>
    public string ListenAddress { get; init; } = DefaultListenAddress;

    /// <summary>The parsed host part of <see cref="ListenAddress"/>: empty for every interface.</summary>
    public string ListenHost { get; init; } = "";

    /// <summary>The parsed port of <see cref="ListenAddress"/> (0: any free port).</summary>
    public int ListenPort { get; init; } = 8090;

    public bool ProxyDisabled { get; init; }
    public bool RouterDisabled { get; init; }
    public bool BackendDisabled { get; init; }

    /// <summary>No /__stats listener; the collector still runs (KrakenD keeps it for influx).</summary>
    public bool EndpointDisabled { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;

    public static readonly TimeSpan DefaultCollectionTime = TimeSpan.FromMinutes(1);
    public const string DefaultListenAddress = ":8090";
}
