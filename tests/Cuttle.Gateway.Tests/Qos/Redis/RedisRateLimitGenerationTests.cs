using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Qos.Redis;
using Cuttle.Testing;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Qos.Redis;

/// <summary>
/// qos/ratelimit/router/redis in a compiled generation against a real redis-server: the router handler consults the
/// shared limit (503 for the endpoint bucket, 429 for a client's), generations built on separate connection caches
/// (separate processes) share it, and the generation owns its connections.
/// </summary>
public sealed class RedisRateLimitGenerationTests : IDisposable
{
    private readonly RedisServer _redis = RedisServer.StartNew();
    private readonly List<Generation> _generations = [];

    public void Dispose()
    {
        foreach (var g in _generations)
            g.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _redis.Dispose();
    }

    /// <summary>A cache per simulated process; a call timeout of a second so a pause of a busy machine opens no breaker.</summary>
    private static RedisConnectionCache Process() => new() { CallTimeout = TimeSpan.FromSeconds(1) };

    private string Config(string endpoints) => $$"""
        { "version": 3,
          "extra_config": { "redis": { "connection_pools": [ { "name": "shared", "address": "{{_redis.Address}}" } ] } },
          "endpoints": [ {{endpoints}} ] }
        """;

    private static string Endpoint(string path, string extra, string more = "") => $$"""
        { "endpoint": "{{path}}", {{more}} "extra_config": { {{extra}} },
          "backend": [ { "host": ["http://backend.test"], "url_pattern": "/b" } ] }
        """;

    private static string Shared(string settings) => $$""" "qos/ratelimit/router/redis": { "connection_name": "shared", {{settings}} } """;

    private async Task<Generation> BuildAsync(string endpoints, RedisConnectionCache? cache = null, bool wait = true)
    {
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(Config(endpoints)), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        Assert.DoesNotContain(loaded.Diagnostics, d => d.ToString().Contains("not implemented", StringComparison.OrdinalIgnoreCase));
        var generation = GenerationBuilder.Build(loaded.Config!, new GenerationOptions
        {
            BackendHandler = new InMemoryBackend(_ => Json("""{"ok":true}""")),
            RedisConnections = cache ?? Process(),
        });
        _generations.Add(generation);
        if (wait)
            await WaitUpAsync(generation);
        return generation;
    }

    /// <summary>Until the generation's connection is up, takes count locally; the tests are about the shared limit.</summary>
    private static async Task WaitUpAsync(Generation generation)
    {
        var sw = Stopwatch.StartNew();
        foreach (var c in generation.Redis!.Connections)
        {
            while (!c.IsUp)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "the connection to redis-server was not up within 5 s");
                await Task.Delay(10);
            }
        }
    }

    private static async Task<string> Statuses(Generation generation, string path, int count, params (string, string)[] headers)
    {
        var statuses = new int[count];
        for (var i = 0; i < count; i++) statuses[i] = (await Serve(generation, "GET", path, headers)).Status;
        return string.Join(' ', statuses);
    }

    private string Tokens(string key) => _redis.Command("HGET", key, "tk");

    [SkippableFact]
    public async Task EndpointBucket_InRedis_Answers503WithAnEmptyBody()
    {
        // A rate of one token a minute: nothing refills during the test.
        var generation = await BuildAsync(Endpoint("/e", Shared("\"max_rate\": 1, \"every\": \"1m\", \"capacity\": 3")));

        Assert.Equal("200 200 200 503 503", await Statuses(generation, "/e", 5));
        var (status, headers, body) = await Serve(generation, "GET", "/e");
        Assert.Equal(503, status);
        Assert.Equal("", body);
        Assert.False(headers.ContainsKey("X-Krakend"));
        Assert.False(headers.ContainsKey("RateLimit-Limit"));
        Assert.StartsWith("$", Tokens("cuttle:rl:{GET /e}")); // the bucket is Redis's, not the process's
    }

    [SkippableFact]
    public async Task TwoProcesses_ShareTheEndpointBucket()
    {
        var endpoints = Endpoint("/e", Shared("\"max_rate\": 1, \"every\": \"1m\", \"capacity\": 4"));
        var a = await BuildAsync(endpoints);
        var b = await BuildAsync(endpoints);

        Assert.Equal("200 200", await Statuses(a, "/e", 2));
        Assert.Equal("200 200 503", await Statuses(b, "/e", 3));
        Assert.Equal("503", await Statuses(a, "/e", 1));
    }

    [SkippableFact]
    public async Task ClientBucket_ByHeader_Answers429_AndAnUnnamedClientIsRejectedWithoutATake()
    {
        var generation = await BuildAsync(Endpoint("/c",
            Shared("\"client_max_rate\": 1, \"every\": \"1m\", \"client_capacity\": 2, \"strategy\": \"header\", \"key\": \"X-Client\"")));

        Assert.Equal("200 200 429", await Statuses(generation, "/c", 3, ("X-Client", "alice")));
        Assert.Equal("200 200 429", await Statuses(generation, "/c", 3, ("X-Client", "bob")));
        Assert.Equal("429", await Statuses(generation, "/c", 1));
        Assert.Equal("0", _redis.Command("EXISTS", "cuttle:rl:{GET /c}:")[1..]);
        Assert.Equal("1", _redis.Command("EXISTS", "cuttle:rl:{GET /c}:alice")[1..]);
    }

    [SkippableFact]
    public async Task ClientThenEndpoint_TheClientsBucketAnswers429_TheEndpointsAnswers503()
    {
        var generation = await BuildAsync(Endpoint("/b", Shared(
            "\"max_rate\": 1, \"capacity\": 3, \"client_max_rate\": 1, \"client_capacity\": 2, \"every\": \"1m\", \"strategy\": \"header\", \"key\": \"X-Client\"")));

        Assert.Equal("200 200 429", await Statuses(generation, "/b", 3, ("X-Client", "alice")));
        Assert.Equal("200 503", await Statuses(generation, "/b", 2, ("X-Client", "bob")));
    }

    [SkippableFact]
    public async Task Headers_DescribeTheSharedBucket()
    {
        var generation = await BuildAsync(Endpoint("/h", Shared("\"max_rate\": 1, \"every\": \"10s\", \"capacity\": 2") + ", \"cuttle/ratelimit-headers\": {}"));

        var (status, headers, _) = await Serve(generation, "GET", "/h");
        Assert.Equal(200, status);
        Assert.Equal("2", headers["RateLimit-Limit"].ToString());
        Assert.Equal("1", headers["RateLimit-Remaining"].ToString());
        Assert.Equal("0", headers["RateLimit-Reset"].ToString());
        await Serve(generation, "GET", "/h");
        (status, headers, _) = await Serve(generation, "GET", "/h");
        Assert.Equal(503, status);
        Assert.Equal("0", headers["RateLimit-Remaining"].ToString());
        var retry = int.Parse(headers.RetryAfter.ToString(), CultureInfo.InvariantCulture);
        Assert.InRange(retry, 9, 10); // a token every 10 s, the bucket just emptied
    }

    [SkippableFact]
    public async Task NoOpEndpoint_IsLimitedToo()
    {
        var generation = await BuildAsync(Endpoint("/n", Shared("\"max_rate\": 1, \"every\": \"1m\", \"capacity\": 1"), "\"output_encoding\": \"no-op\","));

        Assert.Equal("200 503", await Statuses(generation, "/n", 2));
    }

    [SkippableFact]
    public async Task LocalAndShared_BothApply_TheLocalFirst_SoWhatItRefusesCostsNoSharedToken()
    {
        var generation = await BuildAsync(Endpoint("/l",
            "\"qos/ratelimit/router\": { \"max_rate\": 1, \"every\": \"1m\", \"capacity\": 2 }, " + Shared("\"max_rate\": 1, \"every\": \"1m\", \"capacity\": 5")));

        Assert.Equal("200 200 503 503 503", await Statuses(generation, "/l", 5));
        // 5 - the two requests the local limit let through (plus what a minute's rate refills in the meantime).
        Assert.InRange(double.Parse(Tokens("cuttle:rl:{GET /l}").Split("\r\n")[1], CultureInfo.InvariantCulture), 3, 3.1);

        var other = await BuildAsync(Endpoint("/l",
            "\"qos/ratelimit/router\": { \"max_rate\": 100, \"capacity\": 100 }, " + Shared("\"max_rate\": 1, \"every\": \"1m\", \"capacity\": 5")));
        Assert.Equal("200 200 200 503", await Statuses(other, "/l", 4)); // the shared limit refuses what the local allows
    }

    [SkippableFact]
    public async Task TheGenerationOwnsItsConnections_AReloadWithTheSameSettingsSharesThem()
    {
        var cache = Process();
        var endpoints = Endpoint("/e", Shared("\"max_rate\": 10"));
        var first = await BuildAsync(endpoints, cache);
        var second = await BuildAsync(endpoints, cache);
        Assert.Equal(1, cache.Count);
        Assert.Same(first.Redis!.Connections.Single(), second.Redis!.Connections.Single());

        await first.DisposeAsync();
        Assert.Equal(1, cache.Count);
        await second.DisposeAsync();
        Assert.Equal(0, cache.Count);

        // A build that fails after the connection was acquired (an endpoint declared twice) releases it.
        var config = ConfigLoader.Parse(Encoding.UTF8.GetBytes(Config(endpoints)), "krakend.json").Config!;
        config = config with { Endpoints = [.. config.Endpoints, .. config.Endpoints] };
        Assert.Throws<GatewayBuildException>(() => GenerationBuilder.Build(config,
            new GenerationOptions { BackendHandler = new InMemoryBackend(_ => Json("{}")), RedisConnections = cache }));
        Assert.Equal(0, cache.Count);
    }
}
