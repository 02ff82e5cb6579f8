using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderRedisTests
{
    private const string Pools = """
        "redis": {"connection_pools": [
          {"name": "shared", "address": "10.0.0.5:6379"},
          {"name": "counters", "address": "redis:6380", "db": 2, "password": "s3cret", "user_name": "gw", "client_name": "cuttle", "dial_timeout": "2s", "pool_size": 20},
          {"name": "old", "address": "[::1]:6379", "database": 3}
        ], "clusters": [{"name": "cl", "addresses": ["10.0.0.90:6379", "10.0.0.91:6379"]}]}
        """;

    // The service's redis block takes lines 2-7; the endpoint namespace is on line 9.
    private static ConfigLoadResult Config(string redis, string limit) => Parse($$$"""
        {"version": 3, "extra_config": {
        {{{redis}}}
        }, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}],
          "extra_config": {
        {{{limit}}}
        }}]}
        """);

    private static RedisRateLimitOptions Limit(string limit)
    {
        var result = Config(Pools, limit);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Config!.Endpoints[0].RedisRateLimit!;
    }

    private static int LimitLine => 4 + Pools.Split('\n').Length;

    [Fact]
    public void Redis_ConnectionPoolsAndClusters_AreTyped()
    {
        var result = Config(Pools, "\"security/cors\": {}");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var redis = result.Config!.Redis!;

        Assert.Equal(["shared", "counters", "old", "cl"], redis.Connections.Select(c => c.Name));
        var shared = redis.Find("shared")!;
        Assert.Equal<string>(["10.0.0.5:6379"], shared.Addresses);
        Assert.Equal((0, false, null, null), (shared.Database, shared.IsCluster, shared.Password, shared.UserName));
        Assert.Equal(RedisConnectionOptions.DefaultDialTimeout, shared.DialTimeout);
        var counters = redis.Find("counters")!;
        Assert.Equal((2, "s3cret", "gw", "cuttle", TimeSpan.FromSeconds(2)),
            (counters.Database, counters.Password, counters.UserName, counters.ClientName, counters.DialTimeout));
        Assert.Equal(3, redis.Find("old")!.Database);
        var cl = redis.Find("cl")!;
        Assert.True(cl.IsCluster);
        Assert.Equal<string>(["10.0.0.90:6379", "10.0.0.91:6379"], cl.Addresses);
        Assert.Null(result.Config.Endpoints[0].RedisRateLimit);
    }

    [Fact]
    public void RateLimit_EnterpriseDocExample_IsTypedPerSecond()
    {
        // 10 requests per minute per client: 1/6 token per second, capacity as written.
        var rl = Limit("""
            "qos/ratelimit/router/redis": {"connection_pool": "shared", "on_failure_allow": false, "client_max_rate": 10, "client_capacity": 10, "every": "1m", "strategy": "header", "key": "X-User"}
            """);

        Assert.Equal("shared", rl.Connection.Name);
        Assert.Equal(10.0 / 60, rl.ClientMaxRate, 12);
        Assert.Equal(10, rl.ClientCapacity);
        Assert.Equal(0, rl.MaxRate);
        Assert.Equal(("header", "X-User", false, TimeSpan.FromMinutes(1)), (rl.Strategy, rl.Key, rl.OnFailureAllow, rl.Every));
        Assert.Equal(LimitLine, rl.Location.Line);
    }

    [Fact]
    public void RateLimit_Defaults_CapacityIsTheRatePerSecond_AtLeastOne_StrategyIp()
    {
        var rl = Limit("""
            "qos/ratelimit/router/redis": {"connection_name": "cl", "max_rate": 50, "client_max_rate": 0.5, "on_failure_allow": true}
            """);

        Assert.Equal("cl", rl.Connection.Name);
        Assert.Equal((50.0, 50L, 0.5, 1L), (rl.MaxRate, rl.Capacity, rl.ClientMaxRate, rl.ClientCapacity));
        Assert.Equal("ip", rl.Strategy);
        Assert.True(rl.OnFailureAllow);

        var slow = Limit("""
            "qos/ratelimit/router/redis": {"connection_name": "shared", "max_rate": 120, "every": "1m"}
            """);
        Assert.Equal((2.0, 2L), (slow.MaxRate, slow.Capacity));
    }

    [Fact]
    public void RateLimit_ConnectionNameWinsOverTheDeprecatedConnectionPool()
    {
        var rl = Limit("""
            "qos/ratelimit/router/redis": {"connection_pool": "shared", "connection_name": "counters", "max_rate": 1}
            """);

        Assert.Equal("counters", rl.Connection.Name);
        Assert.Equal(2, rl.Connection.Database);
    }

    [Fact]
    public void RateLimit_UnknownConnection_IsAnErrorAtTheName_ListingTheDeclaredOnes()
    {
        var d = SingleError(Config(Pools, """
            "qos/ratelimit/router/redis": {"connection_name": "nope", "max_rate": 10}
            """));

        Assert.Equal("\"qos/ratelimit/router/redis.connection_name\": unknown redis connection \"nope\" (declared: \"shared\", \"counters\", \"old\", \"cl\")", d.Message);
        AssertAt(d, LimitLine, 51, "endpoints[0].extra_config[\"qos/ratelimit/router/redis\"].connection_name");
    }

    [Fact]
    public void RateLimit_WithoutAnyRedisNamespace_IsAnError()
    {
        var d = SingleError(Config("\"security/cors\": {}", """
            "qos/ratelimit/router/redis": {"connection_pool": "shared", "max_rate": 10}
            """));

        Assert.Contains("unknown redis connection \"shared\" (the service declares no \"redis\" connection_pools or clusters)", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"max_rate\": -1", "\"qos/ratelimit/router/redis.max_rate\" must be a positive number of requests, got -1")]
    [InlineData("\"client_max_rate\": -0.5", "\"qos/ratelimit/router/redis.client_max_rate\" must be a positive number of requests, got -0.5")]
    [InlineData("\"max_rate\": \"lots\"", "\"qos/ratelimit/router/redis.max_rate\" must be a number, got the string \"lots\"")]
    [InlineData("\"max_rate\": true", "\"qos/ratelimit/router/redis.max_rate\" must be a number, got true")]
    [InlineData("\"max_rate\": 0", "\"qos/ratelimit/router/redis\" needs \"max_rate\" or \"client_max_rate\" greater than 0")]
    [InlineData("\"max_rate\": 5, \"capacity\": -2", "\"qos/ratelimit/router/redis.capacity\" must be 0 or more, got -2")]
    [InlineData("\"max_rate\": 5, \"capacity\": \"big\"", "\"qos/ratelimit/router/redis.capacity\" must be an integer, got the string \"big\"")]
    [InlineData("\"max_rate\": 5, \"every\": \"soon\"", "invalid duration \"soon\" for \"qos/ratelimit/router/redis.every\": expected a Go duration such as \"3s\", \"150ms\" or \"1m30s\" (units ns, us, ms, s, m, h)")]
    [InlineData("\"max_rate\": 5, \"every\": \"-1s\"", "\"qos/ratelimit/router/redis.every\" must be a positive duration, got -1s")]
    [InlineData("\"client_max_rate\": 5, \"strategy\": \"jwt\", \"key\": \"sub\"", "\"qos/ratelimit/router/redis.strategy\" must be \"ip\", \"header\" or \"param\", got \"jwt\"")]
    [InlineData("\"client_max_rate\": 5, \"strategy\": \"header\"", "\"qos/ratelimit/router/redis.key\" is required with strategy \"header\": the header that identifies the client")]
    [InlineData("\"max_rate\": 5, \"on_failure_allow\": \"maybe\"", "\"qos/ratelimit/router/redis.on_failure_allow\" must be a boolean (true or false), got the string \"maybe\"")]
    public void RateLimit_BadValues_AreErrorsOnTheEndpointLine(string fields, string message)
    {
        var d = SingleError(Config(Pools, $$"""
            "qos/ratelimit/router/redis": {"connection_name": "shared", {{fields}}}
            """));

        Assert.Equal(message, d.Message);
        Assert.Equal((LimitLine, "krakend.json"), (d.Location.Line, d.Location.File));
    }

    [Fact]
    public void RateLimit_MissingConnectionName_IsAnError()
    {
        var d = SingleError(Config(Pools, """
            "qos/ratelimit/router/redis": {"max_rate": 5}
            """));

        Assert.StartsWith("\"qos/ratelimit/router/redis.connection_name\" is required", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"shared.redis.example.com\"", "invalid redis address \"shared.redis.example.com\" in \"redis.connection_pools[0].address\": missing port, expected host:port such as \"redis:6379\"")]
    [InlineData("\"redis:0\"", "invalid redis address \"redis:0\" in \"redis.connection_pools[0].address\": invalid port \"0\", expected a number between 1 and 65535")]
    [InlineData("\"redis:http\"", "invalid redis address \"redis:http\" in \"redis.connection_pools[0].address\": invalid port \"http\", expected a number between 1 and 65535")]
    [InlineData("\"::1:6379\"", "invalid redis address \"::1:6379\" in \"redis.connection_pools[0].address\": too many colons; write an IPv6 address as [addr]:port")]
    [InlineData("\"redis://h:6379\"", "invalid redis address \"redis://h:6379\" in \"redis.connection_pools[0].address\": expected host:port with a host name or IP address")]
    [InlineData("\":6379\"", "invalid redis address \":6379\" in \"redis.connection_pools[0].address\": expected host:port with a host name or IP address")]
    public void Redis_AddressThatDoesNotParse_IsAnErrorAtTheAddress(string address, string message)
    {
        var d = SingleError(Config($$"""
            "redis": {"connection_pools": [{"name": "p", "address": {{address}}}]}
            """, "\"security/cors\": {}"));

        Assert.Equal(message, d.Message);
        AssertAt(d, 2, 57, "extra_config.redis.connection_pools[0].address");
    }

    [Fact]
    public void Redis_WrongTypesAndMissingFields_AreErrors()
    {
        var result = Config("""
            "redis": {"connection_pools": [{"name": "p", "address": "h:1", "db": "two", "pool_size": "many", "dial_timeout": 5},
              {"address": "h:2"}, {"name": "q"}, {"name": "p", "address": "h:3"}, "str", {"name": "t", "address": "h:4", "tls": {}}],
              "clusters": [{"name": "c", "addresses": []}, {"name": "d", "addresses": ["a:1", "b"], "db": 1}]}
            """, "\"security/cors\": {}");

        Assert.False(result.Success);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message).ToArray();
        Assert.Contains("\"redis.connection_pools[0].db\" must be an integer, got the string \"two\"", errors);
        Assert.Contains("\"redis.connection_pools[0].pool_size\" must be an integer, got the string \"many\"", errors);
        Assert.Contains("\"redis.connection_pools[1].name\" is required: the name other components use to reference this connection", errors);
        Assert.Contains("\"redis.connection_pools[2].address\" is required (host:port)", errors);
        Assert.Contains("redis connection name \"p\" is declared twice; pool and cluster names must be unique", errors);
        Assert.Contains("\"redis.connection_pools[4]\" must be an object, got the string \"str\"", errors);
        Assert.Contains(errors, m => m.StartsWith("\"redis.connection_pools[5].tls\": TLS connections to Redis are not supported", StringComparison.Ordinal));
        Assert.Contains("\"redis.clusters[0].addresses\" must list at least one host:port", errors);
        Assert.Contains("invalid redis address \"b\" in \"redis.clusters[1].addresses\": missing port, expected host:port such as \"redis:6379\"", errors);
        Assert.Contains("\"redis.clusters[1].db\": a Redis Cluster has only database 0", errors);
        Assert.Equal(10, errors.Length);
    }

    [Fact]
    public void BothNamespaces_AreKnown_SoTheLoaderWarnsOnlyUntilTheyAreImplemented()
    {
        var json = $$$$"""
            {"version": 3, "extra_config": {
            {{{{Pools}}}}
            }, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}],
              "extra_config": {"qos/ratelimit/router/redis": {"connection_name": "shared", "max_rate": 1}}}]}
            """;
        var implemented = new HashSet<string>(StringComparer.Ordinal) { "redis", "qos/ratelimit/router/redis" };

        var wired = Parse(json, new ConfigLoadOptions { Lint = true, ImplementedNamespaces = implemented });
        var unwired = Parse(json, new ConfigLoadOptions { Lint = true, ImplementedNamespaces = new HashSet<string>() });

        Assert.Empty(wired.Diagnostics);
        Assert.Equal(
            ["namespace redis is not implemented by Cuttle and is ignored", "namespace qos/ratelimit/router/redis is not implemented by Cuttle and is ignored"],
            unwired.Diagnostics.Select(d => d.Message));
    }

    [Fact]
    public void RateLimitHeaders_NextToTheSharedLimit_TurnItsHeadersOn()
    {
        Assert.False(Limit("\"qos/ratelimit/router/redis\": {\"connection_name\": \"shared\", \"max_rate\": 5}").Headers);
        Assert.True(Limit("\"qos/ratelimit/router/redis\": {\"connection_name\": \"shared\", \"max_rate\": 5}, \"cuttle/ratelimit-headers\": {}").Headers);
    }
}
