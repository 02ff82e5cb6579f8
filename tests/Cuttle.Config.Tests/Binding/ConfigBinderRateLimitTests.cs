using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderRateLimitTests
{
    // The namespace's text is on line 3 of the file.
    private static ConfigLoadResult Endpoint(string extra, string path = "/a") => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "{{{path}}}", "backend": [{"url_pattern": "/", "host": ["h"]}],
          "extra_config": {
        {{{extra}}}
        }}]}
        """);

    private static ConfigLoadResult Backend(string extra) => Parse($$$"""
        {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"],
          "extra_config": {
        {{{extra}}}
        }}]}]}
        """);

    private static RateLimitRouterOptions? Router(string extra, string path = "/a")
    {
        var result = Endpoint(extra, path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Endpoints[0].RateLimit;
    }

    private static RateLimitProxyOptions? Proxy(string extra)
    {
        var result = Backend(extra);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Endpoints[0].Backend[0].RateLimit;
    }

    [Fact]
    public void Router_DocumentedExample_IsTyped_WithKrakendsDefaults()
    {
        var rl = Router("""
            "qos/ratelimit/router": {"max_rate": 50, "client_max_rate": 5, "strategy": "ip"}
            """)!;

        Assert.Equal((50.0, 50L), (rl.MaxRate, rl.Capacity));
        Assert.Equal((5.0, 5L), (rl.ClientMaxRate, rl.ClientCapacity));
        Assert.Equal(RateLimitStrategy.Ip, rl.Strategy);
        Assert.Equal("", rl.Key);
        Assert.Equal(TimeSpan.FromMinutes(10), rl.ClientTtl);
        Assert.Equal(2048, rl.NumShards);
        Assert.Equal(TimeSpan.FromMinutes(1), rl.CleanupPeriod);
        Assert.Equal(1, rl.CleanupThreads);
        Assert.False(rl.Headers);
        Assert.Equal(3, rl.Location.Line);
    }

    [Fact]
    public void Router_Every_ScalesBothRatesToPerSecond_AndALongPeriodKeepsIdleClientsLonger()
    {
        var rl = Router("""
            "qos/ratelimit/router": {"max_rate": 60, "client_max_rate": 30, "strategy": "HEADER", "key": "X-Client", "every": "1h"}
            """)!;

        Assert.Equal(60.0 / 3600, rl.MaxRate, 12);
        Assert.Equal(30.0 / 3600, rl.ClientMaxRate, 12);
        // Below one per second the capacity is 1 (krakend-ratelimit's default).
        Assert.Equal((1L, 1L), (rl.Capacity, rl.ClientCapacity));
        Assert.Equal(RateLimitStrategy.Header, rl.Strategy);
        Assert.Equal(TimeSpan.FromMinutes(75), rl.ClientTtl);
    }

    [Fact]
    public void Router_EveryBelowASecond_IsASecond_AndCleanupBelowASecondIsASecond()
    {
        var rl = Router("""
            "qos/ratelimit/router": {"max_rate": 10, "every": "100ms", "cleanup_period": "10ms", "num_shards": 4, "cleanup_threads": 3}
            """)!;

        Assert.Equal(10.0, rl.MaxRate);
        Assert.Equal(TimeSpan.FromSeconds(1), rl.CleanupPeriod);
        Assert.Equal(4, rl.NumShards);
        Assert.Equal(3, rl.CleanupThreads);
    }

    [Fact]
    public void Router_ClientCapacityDefault_TestsMaxRate_AsKrakendDoes()
    {
        // applyClientRateLimit: `if cfg.MaxRate < 1 { ClientCapacity = 1 }` — the endpoint's rate, not the client's.
        var alone = Router("""
            "qos/ratelimit/router": {"client_max_rate": 5, "strategy": "ip"}
            """)!;
        var withEndpoint = Router("""
            "qos/ratelimit/router": {"max_rate": 100, "client_max_rate": 5, "strategy": "ip", "capacity": 7, "client_capacity": 0}
            """)!;

        Assert.Equal((0.0, 1L), (alone.MaxRate, alone.ClientCapacity));
        Assert.Equal((7L, 5L), (withEndpoint.Capacity, withEndpoint.ClientCapacity));
    }

    [Fact]
    public void Router_ZeroRates_DisableTheLimit_AsInKrakend()
    {
        Assert.Null(Router("""
            "qos/ratelimit/router": {"max_rate": 0, "client_max_rate": 0, "strategy": "ip"}
            """));
        var clientOnly = Router("""
            "qos/ratelimit/router": {"max_rate": 0, "client_max_rate": 2, "strategy": "param", "key": "id"}
            """, "/a/{id}")!;
        Assert.Equal(0.0, clientOnly.MaxRate);
        Assert.Equal(RateLimitStrategy.Param, clientOnly.Strategy);
        var endpointOnly = Router("""
            "qos/ratelimit/router": {"max_rate": 2, "strategy": "ip"}
            """)!;
        Assert.Equal(RateLimitStrategy.None, endpointOnly.Strategy);
    }

    [Fact]
    public void Router_ClientRateWithoutStrategy_IsAWarning_AndNoClientLimit()
    {
        var result = Endpoint("""
            "qos/ratelimit/router": {"max_rate": 10, "client_max_rate": 5}
            """);

        Assert.True(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("Unknown strategy", StringComparison.Ordinal));
        Assert.Equal(RateLimitStrategy.None, result.Config!.Endpoints[0].RateLimit!.Strategy);
    }

    [Fact]
    public void Router_NegativeRate_IsAnErrorAtTheValue()
    {
        var d = SingleError(Endpoint("""
            "qos/ratelimit/router": {"max_rate": -5}
            """));

        Assert.Equal("\"qos/ratelimit/router.max_rate\" must be 0 (no limit) or more, got -5", d.Message);
        AssertAt(d, 3, 38, "endpoints[0].extra_config[\"qos/ratelimit/router\"].max_rate");
    }

    [Fact]
    public void Router_UnknownStrategy_IsAnErrorAtTheValue()
    {
        var d = SingleError(Endpoint("""
            "qos/ratelimit/router": {"client_max_rate": 5, "strategy": "cookie"}
            """));

        Assert.Equal("unknown \"qos/ratelimit/router.strategy\" \"cookie\": expected \"ip\", \"header\" or \"param\"", d.Message);
        AssertAt(d, 3, 60, "endpoints[0].extra_config[\"qos/ratelimit/router\"].strategy");
    }

    [Theory]
    [InlineData("header")]
    [InlineData("param")]
    public void Router_HeaderOrParamWithoutKey_IsAnError(string strategy)
    {
        var d = SingleError(Endpoint($$"""
            "qos/ratelimit/router": {"client_max_rate": 5, "strategy": "{{strategy}}"}
            """));

        Assert.StartsWith("\"qos/ratelimit/router.key\" is required with strategy", d.Message);
        Assert.Equal(3, d.Location.Line);
    }

    [Fact]
    public void Router_ParamKeyNotInThePath_IsAWarning()
    {
        var result = Endpoint("""
            "qos/ratelimit/router": {"client_max_rate": 5, "strategy": "param", "key": "user"}
            """, "/a/{id}");

        Assert.True(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("not a parameter", StringComparison.Ordinal));
    }

    [Fact]
    public void Router_BadEveryAndRateOfTheWrongType_AreErrors()
    {
        var result = Endpoint("""
            "qos/ratelimit/router": {"max_rate": "10", "every": "soon", "num_shards": -1}
            """);

        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message).ToArray();
        Assert.Equal(3, errors.Length);
        Assert.Contains(errors, m => m.Contains("max_rate\" must be a number", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("invalid duration \"soon\"", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("num_shards\" must be 0 or more", StringComparison.Ordinal));
    }

    [Fact]
    public void Router_HeadersNamespace_TurnsTheHeadersOn_WithoutALintWarning()
    {
        var result = Parse("""
            {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}],
              "extra_config": {"qos/ratelimit/router": {"max_rate": 5}, "cuttle/ratelimit-headers": {}}}]}
            """, new ConfigLoadOptions { Lint = true });

        Assert.True(result.Success);
        Assert.True(result.Config!.Endpoints[0].RateLimit!.Headers);
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("cuttle/ratelimit-headers", StringComparison.Ordinal));
    }

    [Fact]
    public void Proxy_IsTyped_EveryScalesWithoutALowerBound_CapacityDefaultsToTheRate()
    {
        var rl = Proxy("""
            "qos/ratelimit/proxy": {"max_rate": 5, "every": "100ms"}
            """)!;
        var slow = Proxy("""
            "qos/ratelimit/proxy": {"max_rate": 1, "capacity": 3, "every": "1m"}
            """)!;

        Assert.Equal((50.0, 50L), (rl.MaxRate, rl.Capacity));
        Assert.Equal((1.0 / 60, 3L), (slow.MaxRate, slow.Capacity));
        Assert.Equal(3, rl.Location.Line);
    }

    [Fact]
    public void Proxy_ZeroRate_IsNoLimiter_NegativeIsAnError_ZeroEveryIsAnError()
    {
        Assert.Null(Proxy("""
            "qos/ratelimit/proxy": {"max_rate": 0, "capacity": 4}
            """));
        var negative = SingleError(Backend("""
            "qos/ratelimit/proxy": {"max_rate": -1}
            """));
        Assert.Equal("\"qos/ratelimit/proxy.max_rate\" must be 0 (no limit) or more, got -1", negative.Message);
        var zeroEvery = SingleError(Backend("""
            "qos/ratelimit/proxy": {"max_rate": 1, "every": "0s"}
            """));
        Assert.Equal("\"qos/ratelimit/proxy.every\" must be a positive duration, got \"0s\"", zeroEvery.Message);
        AssertAt(zeroEvery, 3, 49, "endpoints[0].backend[0].extra_config[\"qos/ratelimit/proxy\"].every");
    }
}
