namespace Cuttle.Gateway.Telemetry.Stats;

/// <summary>
/// go-metrics' StandardCounter: a 64-bit count, incremented with one interlocked add (lock-free). krakend-metrics
/// clears the router's connected/disconnected counters at every collection; every other counter only grows.
/// </summary>
public sealed class StatsCounter
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public void Inc() => Interlocked.Increment(ref _count);

    public void Inc(long delta) => Interlocked.Add(ref _count, delta);

    /// <summary>Reads and zeroes the count in one step, so no increment falls between the two.</summary>
    internal long TakeAndClear() => Interlocked.Exchange(ref _count, 0);
}

/// <summary>go-metrics' StandardGauge: the last value set.</summary>
public sealed class StatsGauge
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    public void Update(long value) => Volatile.Write(ref _value, value);
}

/// <summary>
/// go-metrics' StandardHistogram over a UniformSample of 1028 values (krakend-metrics' defaultSample): Vitter's
/// algorithm R, so memory is bounded at 1028 longs however many values arrive, and the sample stays uniform over
/// everything recorded since the last <see cref="Clear"/> (the collector clears it every collection_time).
/// Unlike go-metrics, which takes a mutex per update, an update is lock-free: it claims its position with one
/// interlocked increment and writes one 64-bit slot. A snapshot taken concurrently may see a claimed slot before its
/// value lands (read as 0 on a fresh sample, or the slot's previous value): a statistical sample tolerates that, the
/// request path does not tolerate a lock. The slot array is allocated on the first value, so a histogram that never
/// sees one (an error combination that never happens) costs no 8 KB.
/// </summary>
public sealed class StatsHistogram
{
    /// <summary>go-metrics' NewUniformSample(1028).</summary>
    public const int ReservoirSize = 1028;

    private Reservoir _current = new();

    private sealed class Reservoir
    {
        public long Count;
        public long[]? Values;
    }

    public void Update(long value)
    {
        var r = Volatile.Read(ref _current);
        var n = Interlocked.Increment(ref r.Count);
        var values = Volatile.Read(ref r.Values) ?? Allocate(r);
        if (n <= ReservoirSize)
        {
            values[n - 1] = value;
        }
        else
        {
            // Algorithm R: the n-th value replaces a random slot with probability size/n (go-metrics: rand.Int63n(count)).
            var slot = Random.Shared.NextInt64(n);
            if (slot < ReservoirSize) values[slot] = value;
        }
    }

    private static long[] Allocate(Reservoir r)
    {
        var fresh = new long[ReservoirSize];
        return Interlocked.CompareExchange(ref r.Values, fresh, null) ?? fresh;
    }

    /// <summary>Starts a new sample (go-metrics' Clear: count 0, no values); writers still on the old one finish there.</summary>
    public void Clear() => Volatile.Write(ref _current, new Reservoir());

    /// <summary>Values recorded since the last clear (may exceed the reservoir size, as go-metrics' Count).</summary>
    public long Count => Volatile.Read(ref Volatile.Read(ref _current).Count);

    /// <summary>The number of values the sample holds, at most <see cref="ReservoirSize"/>.</summary>
    public int Size => (int)Math.Min(Count, ReservoirSize);

    public HistogramSnapshot Snapshot()
    {
        var r = Volatile.Read(ref _current);
        var count = Volatile.Read(ref r.Count);
        var values = Volatile.Read(ref r.Values);
        var size = values is null ? 0 : (int)Math.Min(count, ReservoirSize);
        var copy = new long[size];
        if (size > 0) Array.Copy(values!, copy, size);
        return new HistogramSnapshot(count, copy);
    }
}

/// <summary>go-metrics' SampleSnapshot: the count and a copy of the sampled values, with its statistics.</summary>
public sealed class HistogramSnapshot
{
    private readonly long[] _values;

    internal HistogramSnapshot(long count, long[] values)
    {
        Count = count;
        _values = values;
        Array.Sort(_values);
    }

    public long Count { get; }

    public int Size => _values.Length;

    /// <summary>The sampled values, sorted (the live console buckets them).</summary>
    internal ReadOnlySpan<long> Values => _values;

    public long Min => _values.Length == 0 ? 0 : _values[0];

    public long Max => _values.Length == 0 ? 0 : _values[^1];

    public double Mean
    {
        get
        {
            if (_values.Length == 0) return 0;
            long sum = 0;
            foreach (var v in _values) sum += v;
            return (double)sum / _values.Length;
        }
    }

    /// <summary>Population variance, as go-metrics' SampleVariance.</summary>
    public double Variance
    {
        get
        {
            if (_values.Length == 0) return 0;
            var m = Mean;
            double sum = 0;
            foreach (var v in _values)
            {
                var d = v - m;
                sum += d * d;
            }
            return sum / _values.Length;
        }
    }

    public double StdDev => Math.Sqrt(Variance);

    /// <summary>go-metrics' SamplePercentiles: position p·(n+1), linear interpolation between neighbours.</summary>
    public double Percentile(double p)
    {
        var size = _values.Length;
        if (size == 0) return 0;
        var pos = p * (size + 1);
        if (pos < 1.0) return _values[0];
        if (pos >= size) return _values[size - 1];
        double lower = _values[(int)pos - 1];
        double upper = _values[(int)pos];
        return lower + ((pos - Math.Floor(pos)) * (upper - lower));
    }
}
