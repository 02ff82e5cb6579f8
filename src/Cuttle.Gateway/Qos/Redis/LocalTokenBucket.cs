namespace Cuttle.Gateway.Qos.Redis;

/// <summary>
/// The bucket a shared limit counts in while Redis cannot answer: a plain in-process token bucket (rate per second,
/// capacity, starts full, refills by elapsed time), so a replica keeps enforcing the configured limit on its own
/// traffic during an outage. A lock, because refill and take are one read-modify-write of two fields; no allocation.
/// Kept here, small and private to this folder, so the Redis limit does not depend on the local rate limiter's
/// types; the integrator may swap it for that bucket.
/// </summary>
internal sealed class LocalTokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _ratePerTick;
    private readonly double _capacity;
    private double _tokens;
    private long _last;

    public LocalTokenBucket(double ratePerSecond, long capacity, TimeProvider time)
    {
        _time = time;
        _ratePerTick = ratePerSecond / time.TimestampFrequency;
        _capacity = capacity;
        _tokens = capacity;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (now > _last)
            {
                _tokens = Math.Min(_capacity, _tokens + (now - _last) * _ratePerTick);
                _last = now;
            }
            if (_tokens < 1)
                return false;
            _tokens -= 1;
            return true;
        }
    }
}
