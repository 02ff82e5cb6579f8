using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cuttle.Gateway;

/// <summary>What the host tells the builder besides the configuration.</summary>
public sealed record GenerationOptions
{
    /// <summary>Sequence number of this generation (1 for the first configuration served).</summary>
    public long Number { get; init; } = 1;

    /// <summary>`run -d`: enables /__debug/ even when the config does not.</summary>
    public bool Debug { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The live generation's backend pool, reused when the new config's transport settings are the same.</summary>
    public Backends.BackendClient? PreviousClient { get; init; }

    /// <summary>
    /// The live generation's feature state (buckets, per-client stores, circuit breakers); what the new config keeps
    /// unchanged (same endpoint or backend, equal settings) carries on as it is, the rest starts fresh.
    /// </summary>
    public GenerationState? PreviousState { get; init; }

    /// <summary>
    /// When set, every backend call of the generation goes to this handler instead of the pooled transports (an
    /// in-memory backend in tests, as YARP's forwarder takes any HttpMessageInvoker); the generation disposes it.
    /// </summary>
    internal HttpMessageHandler? BackendHandler { get; init; }

    /// <summary>
    /// The host's reload status, written under "cuttle" in the /__health body (generation, config hash, the last reload's
    /// error). The host sets it in debug mode only: KrakenD's body is exactly {"agents","now","status"}, and /__health
    /// is open to every client.
    /// </summary>
    public ReloadStatusSource? ReloadStatus { get; init; }

    /// <summary>The host's telemetry/metrics collector, kept across generations; none: no stats instrumentation.</summary>
    public Telemetry.Stats.StatsCollector? Stats { get; init; }

    /// <summary>The console's counters, kept across generations; set only while the console is on (none: no wrapper).</summary>
    public Telemetry.Traffic.TrafficRegistry? Traffic { get; init; }

    /// <summary>
    /// Where the generation's Redis connections come from; the process-wide cache when null, so that a reload with the
    /// same connection settings keeps the warm connection. Tests pass their own (one per simulated process).
    /// </summary>
    internal Qos.Redis.RedisConnectionCache? RedisConnections { get; init; }
}
