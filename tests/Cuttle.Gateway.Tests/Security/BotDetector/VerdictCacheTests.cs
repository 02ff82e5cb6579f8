using Cuttle.Gateway.Security.BotDetector;

namespace Cuttle.Gateway.Tests.Security.BotDetector;

public sealed class VerdictCacheTests
{
    [Fact]
    public void Add_WhenFull_EvictsTheLeastRecentlyUsed()
    {
        var cache = new VerdictCache(3);
        cache.Add("a", true);
        cache.Add("b", false);
        cache.Add("c", true);
        Assert.True(cache.TryGet("a", out _)); // "b" is now the oldest

        cache.Add("d", false);

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a) && a);
        Assert.True(cache.TryGet("c", out var c) && c);
        Assert.True(cache.TryGet("d", out var d) && !d);
    }

    [Fact]
    public void Add_ExistingKey_ReplacesTheVerdictWithoutGrowing()
    {
        var cache = new VerdictCache(2);
        cache.Add("a", true);
        cache.Add("a", false);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("a", out var v) && !v);
    }
}
