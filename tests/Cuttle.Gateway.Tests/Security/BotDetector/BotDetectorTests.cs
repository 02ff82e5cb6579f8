using Cuttle.Config.Model;
using Detector = Cuttle.Gateway.Security.BotDetector.BotDetector;

namespace Cuttle.Gateway.Tests.Security.BotDetector;

public sealed class BotDetectorTests
{
    // The CE fixture's service-level configuration.
    private static readonly BotDetectorOptions Fixture = new()
    {
        Deny = ["a", "b"],
        Allow = ["c", "Pingdom.com_bot_version_1.1"],
        Patterns = ["(Pingdom.com_bot_version_).*", "(facebookexternalhit)/.*"],
    };

    [Theory]
    [InlineData("a", true)]
    [InlineData("b", true)]
    [InlineData("c", false)]
    [InlineData("A", false)] // exact, case-sensitive lists
    [InlineData("Pingdom.com_bot_version_1.14", true)]
    [InlineData("Pingdom.com_bot_version_1.1", false)] // allow wins over a matching pattern
    [InlineData("facebookexternalhit/1.2.3", true)]
    [InlineData("Mozilla/5.0 facebookexternalhit/1.1", true)] // patterns are unanchored, like Go's MatchString
    [InlineData("Mozilla/5.0", false)]
    public void IsBot_FixtureConfig_MatchesKrakend(string userAgent, bool bot)
    {
        Assert.Equal(bot, new Detector(Fixture).IsBot(userAgent));
        Assert.Equal(bot, new Detector(Fixture with { CacheSize = 2 }).IsBot(userAgent));
    }

    [Fact]
    public void IsBot_EmptyUserAgent_IsABotOnlyWhenConfigured()
    {
        Assert.False(new Detector(Fixture).IsBot(""));
        Assert.True(new Detector(Fixture with { EmptyUserAgentIsBot = true }).IsBot(""));
    }

    [Fact]
    public void IsBot_WithCache_GivesTheSameVerdictTwice()
    {
        var detector = new Detector(Fixture with { CacheSize = 1 });

        Assert.True(detector.IsBot("facebookexternalhit/1"));
        Assert.True(detector.IsBot("facebookexternalhit/1"));
        Assert.False(detector.IsBot("curl"));
        Assert.True(detector.IsBot("facebookexternalhit/1"));
    }
}
