using System.Runtime.InteropServices;

namespace Cuttle.Gateway.Qos;

/// <summary>
/// The per-client buckets of one endpoint (krakend-ratelimit's sharded memory backend with token buckets): a client's
/// bucket is made full on its first request, and one idle for longer than the TTL (10 minutes, or 1.25 × a longer
/// <c>every</c>) is evicted by a sweep that runs every cleanup period. So the memory held is bounded by the clients seen
/// within a TTL, whatever a flood of distinct keys does; a sweep also gives back the dictionaries' spare room.
/// <para>
/// Synchronisation: one lock per shard (default 2048, picked by the key's hash), held for a dictionary lookup and the
/// bucket's arithmetic; the buckets are structs inside the dictionaries, so a client costs one entry, not an object.
/// Instead of KrakenD's ticker goroutine, the first request after a cleanup period queues the sweep on the thread
/// pool: no timer keeps a dropped store alive, and a store carried over a reload keeps its own schedule. KrakenD's
/// <c>cleanup_threads</c> is ignored, as krakend-ratelimit v3.3.1 itself ignores it (its store always uses one).
/// </para>
/// </summary>
internal sealed class ClientLimiterStore : IClientRateLimiter
{
    private readonly Shard[] _shards;
    private readonly TimeProvider _time;
    private readonly long _fill;
    private readonly long _capacity;
    private readonly long _ttl;
    private readonly long _cleanupPeriod;
    private long _nextCleanup;
    private int _sweeping;

    public ClientLimiterStore(Settings settings, TimeProvider time)
    {
        _time = time;
        _fill = BucketState.FillTicks(settings.Rate, time);
        _capacity = Math.Max(1, settings.Capacity);
        _ttl = Ticks(settings.Ttl, time);
        _cleanupPeriod = Math.Max(1, Ticks(settings.CleanupPeriod, time));
        _shards = new Shard[Math.Max(1, settings.Shards)];
        for (var i = 0; i < _shards.Length; i++) _shards[i] = new Shard();
        _nextCleanup = time.GetTimestamp() + _cleanupPeriod;
    }

    /// <summary>The clients currently held.</summary>
    public int Count
    {
        get
        {
            var n = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Lock) n += shard.Buckets.Count;
            }
            return n;
        }
    }

    public bool TryTake(string client)
    {
        var now = _time.GetTimestamp();
        MaybeSweep(now);
        var shard = ShardOf(client);
        lock (shard.Lock)
        {
            ref var bucket = ref Entry(shard, client, now);
            return bucket.State.Take(now, _fill, _capacity);
        }
    }

    public bool TryTake(string client, out RateLimitQuota quota)
    {
        var now = _time.GetTimestamp();
        MaybeSweep(now);
        var shard = ShardOf(client);
        lock (shard.Lock)
        {
            ref var bucket = ref Entry(shard, client, now);
            var ok = bucket.State.Take(now, _fill, _capacity);
            quota = bucket.State.Quota(now, _fill, _capacity, _time.TimestampFrequency);
            return ok;
        }
    }

    /// <summary>
    /// Evicts the clients idle for longer than the TTL (krakendrate's manageEvictions: lastAccess + ttl before now) and
    /// trims the dictionaries left mostly empty. Returns how many were evicted.
    /// </summary>
    internal int Sweep()
    {
        var now = _time.GetTimestamp();
        var evicted = 0;
        foreach (var shard in _shards)
        {
            lock (shard.Lock)
            {
                var buckets = shard.Buckets;
                if (buckets.Count == 0) continue;
                // Removing while enumerating is allowed for Dictionary since .NET Core 3.0.
                foreach (var (key, bucket) in buckets)
                {
                    if (bucket.LastAccess + _ttl < now && buckets.Remove(key)) evicted++;
                }
                if (buckets.Count < buckets.EnsureCapacity(0) / 4) buckets.TrimExcess();
            }
        }
        return evicted;
    }

    private void MaybeSweep(long now)
    {
        if (now < Volatile.Read(ref _nextCleanup) || Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0) return;
        Volatile.Write(ref _nextCleanup, now + _cleanupPeriod);
        ThreadPool.UnsafeQueueUserWorkItem(static store =>
        {
            try { store.Sweep(); }
            finally { Volatile.Write(ref store._sweeping, 0); }
        }, this, preferLocal: false);
    }

    private Shard ShardOf(string client) => _shards[(uint)client.GetHashCode() % (uint)_shards.Length];

    private ref ClientBucket Entry(Shard shard, string client, long now)
    {
        ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(shard.Buckets, client, out var exists);
        if (!exists) bucket.State = new BucketState(_capacity, now);
        bucket.LastAccess = now;
        return ref bucket;
    }

    private static long Ticks(TimeSpan span, TimeProvider time) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed class Shard
    {
        public readonly Lock Lock = new();
        public readonly Dictionary<string, ClientBucket> Buckets = new(StringComparer.Ordinal);
    }

    private struct ClientBucket
    {
        public BucketState State;
        public long LastAccess;
    }

    /// <summary>The settings that decide whether a reload may keep this store (and every client's bucket in it).</summary>
    internal sealed record Settings(double Rate, long Capacity, TimeSpan Ttl, int Shards, TimeSpan CleanupPeriod);
}
