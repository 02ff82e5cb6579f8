namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."qos/ratelimit/router/redis" (KrakenD Enterprise, endpoint level): the router rate limit of
/// krakend-ratelimit with its token buckets kept in Redis, so every gateway replica sharing the Redis connection
/// shares one limit. Rates are already turned into tokens per second and capacities defaulted.
/// </summary>
public sealed record RedisRateLimitOptions
{
    /// <summary>The <c>redis</c> connection (pool or cluster) it uses: <c>connection_name</c>, or the deprecated <c>connection_pool</c>.</summary>
    public RedisConnectionOptions Connection { get; init; } = new();

    /// <summary>Tokens per second of the endpoint's bucket shared by all clients (<c>max_rate</c> per <c>every</c>); 0 = no endpoint limit.</summary>
    public double MaxRate { get; init; }

    /// <summary>Size of the endpoint's bucket (<c>capacity</c>, default max_rate per second, at least 1).</summary>
    public long Capacity { get; init; }

    /// <summary>Tokens per second of each client's bucket (<c>client_max_rate</c> per <c>every</c>); 0 = no client limit.</summary>
    public double ClientMaxRate { get; init; }

    /// <summary>Size of each client's bucket (<c>client_capacity</c>, default client_max_rate per second, at least 1).</summary>
    public long ClientCapacity { get; init; }

    /// <summary>The period the rates are written for (<c>every</c>, default 1s); kept for messages, the rates are per second already.</summary>
    public TimeSpan Every { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How a client is recognised: <c>ip</c> (default), <c>header</c> or <c>param</c>, lower case.</summary>
    public string Strategy { get; init; } = "ip";

    /// <summary>The header or path parameter naming the client for the header and param strategies; "" for ip.</summary>
    public string Key { get; init; } = "";

    /// <summary>
    /// <c>on_failure_allow</c>: when Redis cannot answer, admit every request. When false (the default), Cuttle
    /// counts in a local bucket with the same limits until Redis answers again (Enterprise rejects instead).
    /// </summary>
    public bool OnFailureAllow { get; init; }

    /// <summary>
    /// <c>cuttle/ratelimit-headers</c> is on for the endpoint (Cuttle only): answers carry the RateLimit-* headers of
    /// the shared bucket that decided, and a rejection Retry-After, as the local limit's do.
    /// </summary>
    public bool Headers { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
