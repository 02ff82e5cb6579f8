using System.Numerics;

namespace Cuttle.Gateway.Telemetry.Traffic;

/// <summary>
/// The console's counters for one endpoint or one backend: requests, answers by status class, errors, and a latency
/// histogram of fixed half-octave buckets (each bound about 1.41 times the previous, 1 µs to about an hour). Recording
/// is a handful of interlocked increments and no allocation; the buckets are fixed so that two snapshots subtract into
/// the histogram of the time between them, which is how the console shows live percentiles.
/// </summary>
public sealed class TrafficMeter
{
    /// <summary>Number of latency buckets.</summary>
    public const int Buckets = 64;

    private readonly long[] _latency = new long[Buckets];
    private long _requests;
    private long _errors;
    private long _status2xx;
    private long _status3xx;
    private long _status4xx;
    private long _status5xx;
    private long _status429;
    private long _status503;

    /// <summary>One answered request of an endpoint.</summary>
    internal void RecordStatus(int status, long microseconds)
    {
        Interlocked.Increment(ref _requests);
        switch (status / 100)
        {
            case 2: Interlocked.Increment(ref _status2xx); break;
            case 3: Interlocked.Increment(ref _status3xx); break;
            case 4:
                Interlocked.Increment(ref _status4xx);
                if (status == 429) Interlocked.Increment(ref _status429);
                break;
            default:
                Interlocked.Increment(ref _status5xx);
                Interlocked.Increment(ref _errors);
                if (status == 503) Interlocked.Increment(ref _status503);
                break;
        }
        Interlocked.Increment(ref _latency[Bucket(microseconds)]);
    }

    /// <summary>One call of a backend; <paramref name="error"/> when the proxy returned an error or threw.</summary>
    internal void RecordCall(bool error, long microseconds)
    {
        Interlocked.Increment(ref _requests);
        if (error) Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref _latency[Bucket(microseconds)]);
    }

    /// <summary>Half-octave bucket of a latency: 2·log2(µs+1) plus the bit below the top one.</summary>
    internal static int Bucket(long microseconds)
    {
        var v = (ulong)Math.Max(0, microseconds) + 1;
        var lg = BitOperations.Log2(v);
        var half = lg == 0 ? 0 : (int)((v >> (lg - 1)) & 1);
        return Math.Min(Buckets - 1, (lg * 2) + half);
    }

    /// <summary>The largest latency (µs) bucket <paramref name="index"/> holds.</summary>
    public static long UpperBound(int index)
    {
        var lg = index / 2;
        var half = index % 2;
        if (lg == 0) return 0;
        var low = 1L << lg;
        return low + ((half + 1) * (low >> 1)) - 2;
    }

    /// <summary>A consistent-enough copy of the counters (each read atomically; they may be a request apart).</summary>
    public TrafficSnapshot Snapshot()
    {
        var latency = new long[Buckets];
        for (var i = 0; i < Buckets; i++) latency[i] = Volatile.Read(ref _latency[i]);
        return new TrafficSnapshot(Volatile.Read(ref _requests), Volatile.Read(ref _errors), Volatile.Read(ref _status2xx),
            Volatile.Read(ref _status3xx), Volatile.Read(ref _status4xx), Volatile.Read(ref _status5xx),
            Volatile.Read(ref _status429), Volatile.Read(ref _status503), latency);
    }
}

/// <summary>Counters of a <see cref="TrafficMeter"/> at one instant; <see cref="Minus"/> gives those of an interval.</summary>
public sealed record TrafficSnapshot(long Requests, long Errors, long Status2xx, long Status3xx, long Status4xx, long Status5xx,
    long Status429, long Status503, long[] Latency)
{
    public static readonly TrafficSnapshot Zero = new(0, 0, 0, 0, 0, 0, 0, 0, new long[TrafficMeter.Buckets]);

    public TrafficSnapshot Minus(TrafficSnapshot earlier)
    {
        var latency = new long[TrafficMeter.Buckets];
        for (var i = 0; i < latency.Length; i++) latency[i] = Math.Max(0, Latency[i] - earlier.Latency[i]);
        return new TrafficSnapshot(Requests - earlier.Requests, Errors - earlier.Errors, Status2xx - earlier.Status2xx,
            Status3xx - earlier.Status3xx, Status4xx - earlier.Status4xx, Status5xx - earlier.Status5xx,
            Status429 - earlier.Status429, Status503 - earlier.Status503, latency);
    }

    /// <summary>The latency (µs) below which <paramref name="p"/> (0..1) of the requests fell: the bucket's upper bound.</summary>
    public long Percentile(double p)
    {
        long total = 0;
        foreach (var c in Latency) total += c;
        if (total == 0) return 0;
        var rank = (long)Math.Ceiling(p * total);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (var i = 0; i < Latency.Length; i++)
        {
            seen += Latency[i];
            if (seen >= rank) return TrafficMeter.UpperBound(i);
        }
        return TrafficMeter.UpperBound(Latency.Length - 1);
    }
}
