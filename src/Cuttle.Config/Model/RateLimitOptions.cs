namespace Cuttle.Config.Model;

/// <summary>How qos/ratelimit/router names a client (krakend-ratelimit's TokenExtractorFromCfg, case-insensitive).</summary>
public enum RateLimitStrategy
{
    /// <summary>No per-client limit: client_max_rate is 0, or no strategy was given (KrakenD then logs "Unknown strategy").</summary>
    None,

    /// <summary>gin's ClientIP, or first the IPv4 address in the <see cref="RateLimitRouterOptions.Key"/> header when set.</summary>
    Ip,

    /// <summary>The first value of the <see cref="RateLimitRouterOptions.Key"/> header; absent or empty is rejected with 429.</summary>
    Header,

    /// <summary>The <see cref="RateLimitRouterOptions.Key"/> path parameter; absent or empty is rejected with 429.</summary>
    Param,
}

/// <summary>
/// extra_config."qos/ratelimit/router" (krakend-ratelimit v3 router.Config), endpoint level, with every default and
/// the <c>every</c> scaling already applied: rates are per second.
/// </summary>
public sealed record RateLimitRouterOptions
{
    /// <summary>Requests per second of the endpoint's shared bucket (503 when empty); 0 means no endpoint limit.</summary>
    public double MaxRate { get; init; }

    /// <summary>Size of the endpoint's bucket: capacity, else max_rate (1 below one request per second).</summary>
    public long Capacity { get; init; }

    /// <summary>Requests per second of each client's bucket (429 when empty); 0 means no per-client limit.</summary>
    public double ClientMaxRate { get; init; }

    /// <summary>Size of each client's bucket: client_capacity, else client_max_rate (KrakenD: 1 when max_rate &lt; 1).</summary>
    public long ClientCapacity { get; init; }

    public RateLimitStrategy Strategy { get; init; }

    /// <summary>The header or path parameter naming the client; for <c>ip</c>, an optional header holding the client IP.</summary>
    public string Key { get; init; } = "";

    /// <summary>How long an idle client's bucket is kept: 10 minutes, or 1.25 × <c>every</c> when that is longer.</summary>
    public TimeSpan ClientTtl { get; init; } = DefaultClientTtl;

    /// <summary>Shards of the per-client store (default 2048; 0 or 1: one).</summary>
    public int NumShards { get; init; } = DefaultShards;

    /// <summary>How often idle clients are evicted (default 1 minute, at least 1 second).</summary>
    public TimeSpan CleanupPeriod { get; init; } = DefaultCleanupPeriod;

    /// <summary>Read as KrakenD reads it; krakend-ratelimit v3.3.1 ignores it (its store always uses one cleaner).</summary>
    public int CleanupThreads { get; init; } = 1;

    /// <summary>
    /// Cuttle only, off by default: add RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset to answers and
    /// Retry-After to rejections (extra_config."cuttle/ratelimit-headers" next to the block).
    /// </summary>
    public bool Headers { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>krakendrate.DataTTL.</summary>
    public static readonly TimeSpan DefaultClientTtl = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan DefaultCleanupPeriod = TimeSpan.FromMinutes(1);

    /// <summary>krakendrate.DefaultShards.</summary>
    public const int DefaultShards = 2048;
}

/// <summary>extra_config."qos/ratelimit/proxy" (krakend-ratelimit v3 proxy.Config), backend level; rate per second.</summary>
public sealed record RateLimitProxyOptions
{
    /// <summary>Calls per second towards the backend (<c>every</c> already applied); always more than 0.</summary>
    public double MaxRate { get; init; }

    /// <summary>Size of the bucket: capacity, else max_rate (1 below one call per second).</summary>
    public long Capacity { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
