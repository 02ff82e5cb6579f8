using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderSecurityTests
{
    [Fact]
    public void Cors_FixtureValues_AreTyped()
    {
        var cors = Parse("""
        {"version": 3, "extra_config": {"security/cors": {
            "allow_origins": ["*"], "allow_methods": ["POST", "GET"], "allow_headers": ["Origin", "Authorization"],
            "expose_headers": ["Content-Length"], "max_age": "12h", "allow_credentials": true}}}
        """).Config!.Cors!;

        Assert.Equal(new[] { "*" }, cors.AllowOrigins.ToArray());
        Assert.Equal(new[] { "POST", "GET" }, cors.AllowMethods.ToArray());
        Assert.Equal(new[] { "Origin", "Authorization" }, cors.AllowHeaders.ToArray());
        Assert.Equal(new[] { "Content-Length" }, cors.ExposeHeaders.ToArray());
        Assert.Equal(TimeSpan.FromHours(12), cors.MaxAge);
        Assert.True(cors.AllowCredentials);
        Assert.Equal(204, cors.OptionsSuccessStatus);
    }

    [Fact]
    public void Cors_EmptyObject_DefaultsLikeKrakendCors()
    {
        var cors = Parse("""{"version": 3, "extra_config": {"github_com/devopsfaith/krakend-cors": {}}}""").Config!.Cors!;

        Assert.Equal(new[] { "*" }, cors.AllowOrigins.ToArray());
        Assert.Equal(new[] { "*" }, cors.AllowHeaders.ToArray());
        Assert.Empty(cors.AllowMethods);
    }

    [Fact]
    public void Cors_Absent_IsNull()
        => Assert.Null(Parse("""{"version": 3}""").Config!.Cors);

    [Fact]
    public void Cors_BadMaxAge_IsAWarningWithPosition()
    {
        var result = Parse("""
        {"version": 3, "extra_config": {"security/cors": {"max_age": "12 hours"}}}
        """);

        Assert.True(result.Success);
        var w = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("max_age", w.Message);
        Assert.Equal(1, w.Location.Line);
        Assert.Equal(TimeSpan.Zero, result.Config!.Cors!.MaxAge);
    }
}

public sealed class ConfigBinderBotDetectorTests
{
    [Fact]
    public void BotDetector_ServiceAndEndpointLevels_AreTyped()
    {
        var c = Parse("""
        {"version": 3, "extra_config": {"github_com/devopsfaith/krakend-botdetector": {"deny": ["a"], "allow": ["c"], "patterns": ["x.*"], "cache_size": 10}},
         "endpoints": [{"endpoint": "/a", "extra_config": {"security/bot-detector": {"empty_user_agent_is_bot": true}},
           "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """).Config!;

        Assert.Equal(new[] { "a" }, c.BotDetector!.Deny.ToArray());
        Assert.Equal(new[] { "c" }, c.BotDetector.Allow.ToArray());
        Assert.Equal(new[] { "x.*" }, c.BotDetector.Patterns.ToArray());
        Assert.Equal(10, c.BotDetector.CacheSize);
        Assert.True(c.Endpoints[0].BotDetector!.EmptyUserAgentIsBot);
        Assert.Null(c.Endpoints[0].Proxy.Static);
    }

    [Fact]
    public void BotDetector_BadPattern_IsAnErrorAtThePattern()
    {
        var d = SingleError(Parse("""
        {"version": 3, "extra_config": {"security/bot-detector": {
          "patterns": ["ok.*", "(unclosed"]}}}
        """));

        Assert.Contains("invalid security/bot-detector pattern \"(unclosed\"", d.Message);
        Assert.Contains("offset", d.Message);
        Assert.Equal(2, d.Location.Line);
        Assert.Equal("extra_config[\"security/bot-detector\"].patterns[1]", d.Location.JsonPath);
    }

    [Fact]
    public void BotDetector_Backreference_IsRefusedLikeRe2()
    {
        var d = SingleError(Parse("""{"version": 3, "extra_config": {"security/bot-detector": {"patterns": ["(a)\\1"]}}}"""));

        Assert.Contains("RE2", d.Message);
    }
}
