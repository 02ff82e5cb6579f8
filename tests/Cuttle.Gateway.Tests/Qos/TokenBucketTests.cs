using Cuttle.Gateway.Qos;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Qos;

/// <summary>krakendrate.TokenBucket's arithmetic on a fake clock.</summary>
public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static int Takes(IRateLimiter bucket, int attempts)
    {
        var allowed = 0;
        for (var i = 0; i < attempts; i++) if (bucket.TryTake()) allowed++;
        return allowed;
    }

    [Fact]
    public void StartsFull_ThenRefusesUntilAFillIntervalPasses()
    {
        var bucket = new TokenBucket(rate: 2, capacity: 3, _time);

        Assert.Equal(3, Takes(bucket, 10));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(bucket.TryTake());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public void RefillsOnlyWhenEmpty_AndAnOverflowingRefillFillsWithoutTakingAToken()
    {
        var bucket = new TokenBucket(rate: 1, capacity: 2, _time);
        _time.Advance(TimeSpan.FromSeconds(10));

        // Tokens left: no refill yet, however long the bucket was idle.
        Assert.Equal(2, Takes(bucket, 2));
        // Empty: ten seconds since the last refill would add 10 > capacity: full, and this request takes none.
        Assert.True(bucket.TryTake());
        Assert.Equal(2, Takes(bucket, 5));
    }

    [Fact]
    public void APartialRefill_TakesOneOfTheAddedTokens()
    {
        var bucket = new TokenBucket(rate: 1, capacity: 5, _time);
        Assert.Equal(5, Takes(bucket, 5));

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(3, Takes(bucket, 10));
    }

    [Fact]
    public void Quota_DescribesTheBucket_AndTheWaitForTheNextToken()
    {
        var bucket = new TokenBucket(rate: 0.5, capacity: 2, _time);

        Assert.True(bucket.TryTake(out var first));
        Assert.Equal(new RateLimitQuota(2, 1, TimeSpan.Zero), first);
        Assert.True(bucket.TryTake(out _));
        _time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.False(bucket.TryTake(out var refused));
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1.5), refused.Reset);
    }
}
