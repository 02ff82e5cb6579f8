using Cuttle.Gateway.Qos;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Qos;

/// <summary>The sharded per-client store on a fake clock: independent buckets, the TTL, the sweep and its memory bound.</summary>
public sealed class ClientLimiterStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private ClientLimiterStore Store(int shards = 16, double rate = 1, long capacity = 2) =>
        new(new ClientLimiterStore.Settings(rate, capacity, TimeSpan.FromMinutes(10), shards, TimeSpan.FromMinutes(1)), _time);

    [Fact]
    public void EachClient_HasItsOwnBucket()
    {
        var store = Store();

        Assert.True(store.TryTake("a"));
        Assert.True(store.TryTake("a"));
        Assert.False(store.TryTake("a"));
        Assert.True(store.TryTake("b"));
        Assert.True(store.TryTake("b"));
        Assert.False(store.TryTake("b"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(store.TryTake("a"));
        Assert.False(store.TryTake("a"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(2048)]
    public void AnyShardCount_KeepsClientsApart(int shards)
    {
        var store = Store(shards, capacity: 1);
        for (var i = 0; i < 100; i++) Assert.True(store.TryTake("client-" + i));
        for (var i = 0; i < 100; i++) Assert.False(store.TryTake("client-" + i));
        Assert.Equal(100, store.Count);
    }

    [Fact]
    public void Sweep_EvictsOnlyClientsIdleForLongerThanTheTtl()
    {
        var store = Store();
        store.TryTake("old");
        _time.Advance(TimeSpan.FromMinutes(6));
        store.TryTake("recent");
        _time.Advance(TimeSpan.FromMinutes(4));

        // Exactly at lastAccess + TTL nothing goes (KrakenD: lastAccess.Add(ttl).Before(now)).
        Assert.Equal(0, store.Sweep());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, store.Sweep());
        Assert.Equal(1, store.Count);

        // An evicted client comes back with a full bucket.
        Assert.True(store.TryTake("old"));
        Assert.True(store.TryTake("old"));
    }

    [Fact]
    public void AFloodOfDistinctClients_IsForgottenByTheSweep_AndTheRequestPathStartsIt()
    {
        var store = Store(shards: 64);
        for (var i = 0; i < 100_000; i++) store.TryTake("flood-" + i);
        Assert.Equal(100_000, store.Count);

        // Past the TTL and the cleanup period, the next request queues the sweep on the thread pool.
        _time.Advance(TimeSpan.FromMinutes(11));
        store.TryTake("after");
        Assert.True(SpinWait.SpinUntil(() => store.Count == 1, TimeSpan.FromSeconds(10)), $"{store.Count} clients left");
    }

    [Fact]
    public async Task ConcurrentClients_NeverGetMoreThanTheirCapacity()
    {
        var store = Store(shards: 4, capacity: 5);
        var allowed = new int[8];
        await Parallel.ForAsync(0, 8 * 1000, (i, _) =>
        {
            if (store.TryTake("c" + (i % 8))) Interlocked.Increment(ref allowed[i % 8]);
            return ValueTask.CompletedTask;
        });
        Assert.All(allowed, n => Assert.Equal(5, n));
    }
}
