namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// The seam between a router rate limit handler and a limit kept outside the process: the same "try take one token"
/// as a local bucket, made asynchronous because the answer may come from Redis. It never throws and never waits
/// longer than the Redis call timeout; when Redis cannot answer, the implementation decides locally.
/// </summary>
internal interface ISharedRateLimit
{
    /// <summary>
    /// Takes a token for one request: from <paramref name="client"/>'s bucket when the limit has a per-client rate
    /// and a client was recognised (null skips the client bucket), then from the endpoint's bucket when it has a
    /// global rate. True admits the request; false means "429".
    /// </summary>
    ValueTask<bool> TryTakeAsync(string? client);
}
