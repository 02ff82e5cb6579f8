using Cuttle.Config.Model;
using Cuttle.Gateway.Qos.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Qos.Redis;

public sealed class LocalTokenBucketTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void StartsFull_RefillsByElapsedTime_CappedAtItsCapacity()
    {
        var bucket = new LocalTokenBucket(ratePerSecond: 10, capacity: 3, _time);

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => bucket.TryTake()));
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(bucket.TryTake());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryTake());
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, Enumerable.Range(0, 5).Count(_ => bucket.TryTake()));
    }

    [Fact]
    public void Fingerprint_ChangesWithEverySettingThatChangesTheConnection()
    {
        var pool = new RedisConnectionOptions { Name = "p", Addresses = ["h:1"] };
        var same = RedisConnection.Fingerprint(pool with { });

        Assert.Equal(same, RedisConnection.Fingerprint(pool with { Location = new SourceLocation("x.json", 3, 4, "$") }));
        Assert.All(
            new[]
            {
                pool with { Name = "q" }, pool with { Addresses = ["h:2"] }, pool with { Database = 1 }, pool with { Password = "x" },
                pool with { UserName = "u" }, pool with { ClientName = "c" }, pool with { DialTimeout = TimeSpan.FromSeconds(1) },
                pool with { IsCluster = true },
            },
            p => Assert.NotEqual(same, RedisConnection.Fingerprint(p)));
    }
}
