namespace Cuttle.Gateway.Qos;

/// <summary>Which bucket of a shared limit refused a request, if any.</summary>
internal enum SharedVerdict : byte
{
    Admitted,

    /// <summary>The client's bucket was empty: 429.</summary>
    ClientExceeded,

    /// <summary>The endpoint's bucket was empty: 503.</summary>
    EndpointExceeded,
}

/// <summary>
/// The answer of one take: the verdict and, for the optional RateLimit-* headers, the bucket that decided (the
/// client's when there is one, else the endpoint's). A struct, so a take that completes at once allocates nothing.
/// </summary>
internal readonly record struct SharedTake(SharedVerdict Verdict, RateLimitQuota Quota);

/// <summary>
/// The seam between the router rate limit handler and a limit kept outside the process (KrakenD Enterprise's
/// <c>qos/ratelimit/router/redis</c>): the same "take one token" as a local bucket, made asynchronous because the
/// answer may come from Redis. It never throws and never waits longer than its call timeout; when the store cannot
/// answer, the implementation decides locally.
/// </summary>
internal interface ISharedRateLimit
{
    /// <summary>
    /// Takes a token for one request: from <paramref name="client"/>'s bucket when the limit has a per-client rate
    /// (null skips the client bucket), then from the endpoint's bucket when it has a global rate.
    /// </summary>
    ValueTask<SharedTake> TryTakeAsync(string? client);
}
