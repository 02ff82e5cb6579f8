namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."qos/circuit-breaker" (alias github.com/devopsfaith/krakend-circuitbreaker/gobreaker), backend
/// level: krakend-circuitbreaker's Config, turned into sony/gobreaker settings by the gateway.
/// </summary>
public sealed record CircuitBreakerOptions
{
    /// <summary>
    /// The cyclic period of the closed state after which the failure counts are cleared; zero never clears them
    /// (gobreaker's Interval). Whole seconds in the file.
    /// </summary>
    public TimeSpan Interval { get; init; }

    /// <summary>
    /// How long the breaker stays open before it lets one trial request through (gobreaker's Timeout). Zero in the
    /// file means gobreaker's default, 60 seconds, which the binder has already applied.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The breaker opens when the consecutive failures exceed this number (ReadyToTrip: failures &gt; max_errors).</summary>
    public int MaxErrors { get; init; }

    /// <summary>The breaker's name in the state-change log lines; empty when not set.</summary>
    public string Name { get; init; } = "";

    /// <summary>Log each state change (closed, open, half-open) as a warning.</summary>
    public bool LogStatusChange { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>gobreaker: a Timeout of 0 or less becomes 60 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
}
