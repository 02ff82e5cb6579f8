namespace Cuttle.Gateway.Qos;

/// <summary>
/// What a limiter tells the caller besides yes or no, for the optional RateLimit-* headers: the bucket's size, the
/// tokens left after this request, and how long until the next token when none is left.
/// </summary>
internal readonly record struct RateLimitQuota(long Limit, long Remaining, TimeSpan Reset);

/// <summary>
/// One shared limit (an endpoint's or a backend's bucket). The handlers and proxies see only this seam, so another
/// store (a Redis-backed one, KrakenD Enterprise's <c>qos/ratelimit/router/redis</c>) can take the in-memory
/// bucket's place without touching them.
/// </summary>
internal interface IRateLimiter
{
    /// <summary>Takes one token; false when the limit is exceeded.</summary>
    bool TryTake();

    /// <summary>As <see cref="TryTake()"/>, also describing the bucket after the attempt.</summary>
    bool TryTake(out RateLimitQuota quota);
}

/// <summary>One limit per client (qos/ratelimit/router's client_max_rate); the same seam as <see cref="IRateLimiter"/>.</summary>
internal interface IClientRateLimiter
{
    /// <summary>Takes one token from <paramref name="client"/>'s bucket (non-empty); false when it is exceeded.</summary>
    bool TryTake(string client);

    bool TryTake(string client, out RateLimitQuota quota);
}

/// <summary>
/// krakend-ratelimit's TokenBucket arithmetic on a <see cref="TimeProvider"/> timestamp, shared by the single bucket
/// and the per-client store. The bucket starts full. It refills lazily, only once it is empty: then every whole fill
/// interval since the last refill adds a token, and a refill that would overflow the capacity fills the bucket and
/// lets the request through without taking a token, exactly as krakendrate's canConsume does.
/// </summary>
internal struct BucketState
{
    public long Tokens;
    public long LastRefill;

    public BucketState(long capacity, long now)
    {
        Tokens = capacity;
        LastRefill = now;
    }

    public bool Take(long now, long fill, long capacity)
    {
        if (Tokens > 0)
        {
            Tokens--;
            return true;
        }
        var add = (now - LastRefill) / fill;
        if (add <= 0)
            return false;
        LastRefill += add * fill;
        if (Tokens + add > capacity)
        {
            Tokens = capacity;
            return true;
        }
        Tokens += add - 1;
        return true;
    }

    public readonly RateLimitQuota Quota(long now, long fill, long capacity, long frequency)
    {
        if (Tokens > 0)
            return new RateLimitQuota(capacity, Tokens, TimeSpan.Zero);
        var wait = fill - (now - LastRefill);
        return new RateLimitQuota(capacity, 0, wait <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)wait / frequency));
    }

    /// <summary>
    /// krakendrate's fill interval, time.Duration(int64(1e9 / rate)) with the rate at least 1e-9, in timestamp ticks
    /// of <paramref name="time"/> (at least one).
    /// </summary>
    public static long FillTicks(double rate, TimeProvider time)
    {
        if (rate < 1e-9)
            rate = 1e-9;
        var nanos = (double)(long)(1e9 / rate);
        return Math.Max(1, (long)Math.Round(nanos * time.TimestampFrequency / 1e9));
    }
}

/// <summary>
/// One token bucket (krakendrate.TokenBucket): an endpoint's <c>max_rate</c> or a backend's. Lock-protected as
/// krakendrate's is: the critical section is a few arithmetic operations, no allocation, no await. It holds its
/// own state and is carried into the next generation when its settings do not change (<see cref="GenerationState"/>).
/// </summary>
internal sealed class TokenBucket : IRateLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _fill;
    private readonly long _capacity;
    private BucketState _state;

    public TokenBucket(double rate, long capacity, TimeProvider time)
    {
        _time = time;
        _fill = BucketState.FillTicks(rate, time);
        _capacity = Math.Max(1, capacity);
        _state = new BucketState(_capacity, time.GetTimestamp());
    }

    public bool TryTake()
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            return _state.Take(now, _fill, _capacity);
        }
    }

    public bool TryTake(out RateLimitQuota quota)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var ok = _state.Take(now, _fill, _capacity);
            quota = _state.Quota(now, _fill, _capacity, _time.TimestampFrequency);
            return ok;
        }
    }

    /// <summary>The settings that decide whether a reload may keep this bucket.</summary>
    internal sealed record Settings(double Rate, long Capacity);
}
