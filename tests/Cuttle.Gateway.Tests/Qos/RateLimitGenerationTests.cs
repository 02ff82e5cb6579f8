using System.Net;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Qos;
using Microsoft.Extensions.Time.Testing;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Qos;

/// <summary>qos/ratelimit/router and qos/ratelimit/proxy in a compiled generation, backends in memory, the clock fake.</summary>
public sealed class RateLimitGenerationTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private Generation Build(string endpoints, InMemoryBackend? backend = null, GenerationState? previous = null)
    {
        var json = $$"""{ "version": 3, "endpoints": [ {{endpoints}} ] }""";
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions
        {
            BackendHandler = backend ?? new InMemoryBackend(_ => Json("""{"ok":true}""")),
            TimeProvider = _time,
            PreviousState = previous,
        });
    }

    private static string Endpoint(string path, string router, string backendExtra = "", string more = "") => $$"""
        { "endpoint": "{{path}}", {{more}} "extra_config": { {{router}} },
          "backend": [ { "host": ["http://backend.test"], "url_pattern": "/b" {{backendExtra}} } ] }
        """;

    private static string Router(string settings) => $$""" "qos/ratelimit/router": { {{settings}} } """;

    /// <summary>The statuses of <paramref name="count"/> requests in a row, space-separated.</summary>
    private static async Task<string> Statuses(Generation generation, string path, int count, params (string, string)[] headers)
    {
        var statuses = new int[count];
        for (var i = 0; i < count; i++) statuses[i] = (await Serve(generation, "GET", path, headers)).Status;
        return string.Join(' ', statuses);
    }

    [Fact]
    public async Task EndpointLimit_Answers503WithAnEmptyBody_UntilATokenRefills()
    {
        await using var generation = Build(Endpoint("/e", Router("\"max_rate\": 2, \"capacity\": 3")));

        Assert.Equal("200 200 200 503 503", await Statuses(generation, "/e", 5));
        var (status, headers, body) = await Serve(generation, "GET", "/e");
        Assert.Equal(503, status);
        Assert.Equal("", body);
        Assert.False(headers.ContainsKey("X-Krakend"));
        Assert.False(headers.ContainsKey("RateLimit-Limit"));

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("200 503", await Statuses(generation, "/e", 2));
    }

    [Fact]
    public async Task ClientLimit_ByHeader_Answers429PerClient_AndAClientWithoutTheHeaderIsRejected()
    {
        await using var generation = Build(Endpoint("/e", Router("\"client_max_rate\": 2, \"client_capacity\": 2, \"strategy\": \"header\", \"key\": \"X-Client\"")));

        Assert.Equal("200 200 429", await Statuses(generation, "/e", 3, ("X-Client", "alice")));
        Assert.Equal("200 200 429", await Statuses(generation, "/e", 3, ("x-client", "bob")));
        Assert.Equal("429", await Statuses(generation, "/e", 1));
        Assert.Equal("429", await Statuses(generation, "/e", 1, ("X-Client", "")));
    }

    [Fact]
    public async Task ClientLimitIsCheckedFirst_SoARejectedClientDoesNotSpendTheEndpointsTokens()
    {
        await using var generation = Build(Endpoint("/e", Router("\"max_rate\": 3, \"client_max_rate\": 1, \"strategy\": \"header\", \"key\": \"X-Client\"")));

        Assert.Equal("200 429 429 429", await Statuses(generation, "/e", 4, ("X-Client", "a")));
        Assert.Equal("200", await Statuses(generation, "/e", 1, ("X-Client", "b")));
        Assert.Equal("200", await Statuses(generation, "/e", 1, ("X-Client", "c")));
        Assert.Equal("503", await Statuses(generation, "/e", 1, ("X-Client", "d")));
    }

    [Fact]
    public async Task ClientLimit_ByParam_AndByIpFromTheKeyHeader()
    {
        await using var generation = Build(
            Endpoint("/p/{id}", Router("\"client_max_rate\": 1, \"strategy\": \"param\", \"key\": \"id\""), more: "\"method\": \"GET\",") + ", " +
            Endpoint("/ip", Router("\"client_max_rate\": 1, \"strategy\": \"ip\", \"key\": \"X-Real-Client\"")));

        Assert.Equal("200 429", await Statuses(generation, "/p/1", 2));
        Assert.Equal("200 429", await Statuses(generation, "/p/2", 2));
        Assert.Equal("200 429", await Statuses(generation, "/ip", 2, ("X-Real-Client", "10.0.0.1:5555, 10.9.9.9")));
        Assert.Equal("200", await Statuses(generation, "/ip", 1, ("X-Real-Client", "10.0.0.2")));
        // Not an IP: gin's ClientIP, here X-Forwarded-For.
        Assert.Equal("200 429", await Statuses(generation, "/ip", 2, ("X-Real-Client", "nobody"), ("X-Forwarded-For", "10.0.0.3")));
    }

    [Fact]
    public async Task NoOpEndpoints_AreLimitedToo()
    {
        await using var generation = Build(Endpoint("/n", Router("\"max_rate\": 1"), more: "\"output_encoding\": \"no-op\","));

        Assert.Equal("200 503", await Statuses(generation, "/n", 2));
    }

    [Fact]
    public async Task Headers_AreOffByDefault_AndDescribeTheDecidingBucketWhenOn()
    {
        await using var generation = Build(Endpoint("/h", Router("\"max_rate\": 0.5, \"capacity\": 2") + ", \"cuttle/ratelimit-headers\": {}"));

        var (_, ok, _) = await Serve(generation, "GET", "/h");
        Assert.Equal(("2", "1", "0"), (ok["RateLimit-Limit"].ToString(), ok["RateLimit-Remaining"].ToString(), ok["RateLimit-Reset"].ToString()));
        Assert.False(ok.ContainsKey("Retry-After"));
        await Serve(generation, "GET", "/h");
        _time.Advance(TimeSpan.FromSeconds(0.5));
        var (status, refused, _) = await Serve(generation, "GET", "/h");
        Assert.Equal(503, status);
        Assert.Equal(("0", "2", "2"), (refused["RateLimit-Remaining"].ToString(), refused["RateLimit-Reset"].ToString(), refused.RetryAfter.ToString()));
    }

    [Fact]
    public async Task ProxyLimit_IsABackendFailure_500Alone_WithoutCallingTheBackend()
    {
        var backend = new InMemoryBackend(_ => Json("""{"ok":true}"""));
        await using var generation = Build(Endpoint("/p", "", ", \"extra_config\": {\"qos/ratelimit/proxy\": {\"max_rate\": 1}}"), backend);

        Assert.Equal(200, (await Serve(generation, "GET", "/p")).Status);
        var (status, headers, body) = await Serve(generation, "GET", "/p");
        Assert.Equal(500, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
        Assert.Equal("", body);
        Assert.Single(backend.Received);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await Serve(generation, "GET", "/p")).Status);
    }

    [Fact]
    public async Task ProxyLimit_InAMerge_LeavesTheOtherBackendsPart_MarkedIncomplete()
    {
        var backend = new InMemoryBackend(r => Json(r.Url.AbsolutePath == "/a" ? """{"a":1}""" : """{"b":2}"""));
        await using var generation = Build("""
            { "endpoint": "/m", "backend": [
              { "host": ["http://backend.test"], "url_pattern": "/a" },
              { "host": ["http://backend.test"], "url_pattern": "/b", "extra_config": {"qos/ratelimit/proxy": {"max_rate": 1}} } ] }
            """, backend);

        var (_, firstHeaders, first) = await Serve(generation, "GET", "/m");
        var (status, headers, body) = await Serve(generation, "GET", "/m");

        Assert.Equal(("true", """{"a":1,"b":2}"""), (firstHeaders["X-Krakend-Completed"].ToString(), first));
        Assert.Equal(200, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
        Assert.Equal("""{"a":1}""", body);
    }

    [Fact]
    public async Task ProxyLimit_RejectionsCountAsCircuitBreakerFailures_TheBreakerIsOutside()
    {
        var backend = new InMemoryBackend(_ => Json("""{"ok":true}"""));
        await using var generation = Build(Endpoint("/c", "", """
            , "extra_config": {"qos/ratelimit/proxy": {"max_rate": 1, "every": "1h"}, "qos/circuit-breaker": {"timeout": 60, "max_errors": 1}}
            """), backend);

        Assert.Equal("200 500 500", await Statuses(generation, "/c", 3));
        var breaker = Assert.IsType<CircuitBreaker>(generation.State.Find("circuit-breaker", "GET /c #0 http://backend.test/b"));
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    // ---- state across reloads ----------------------------------------------------------------------------------

    [Fact]
    public async Task Reload_WithUnchangedSettings_KeepsTheBuckets_ChangedSettingsStartFresh()
    {
        const string limited = "\"max_rate\": 1, \"client_max_rate\": 1, \"strategy\": \"header\", \"key\": \"X-Client\"";
        var first = Build(Endpoint("/e", Router(limited)));
        Assert.Equal("200 429", await Statuses(first, "/e", 2, ("X-Client", "a")));
        Assert.Equal("503", await Statuses(first, "/e", 1, ("X-Client", "b")));

        // Another endpoint added before it moves the block in the file: still the same settings.
        var second = Build(Endpoint("/other", Router("\"max_rate\": 5")) + ", " + Endpoint("/e", Router(limited)), previous: first.State);
        Assert.Equal("429", await Statuses(second, "/e", 1, ("X-Client", "a")));
        Assert.Equal("503", await Statuses(second, "/e", 1, ("X-Client", "c")));

        // The client limit changes: a fresh client store; the endpoint bucket, unchanged, stays empty.
        var third = Build(Endpoint("/e", Router("\"max_rate\": 1, \"client_max_rate\": 2, \"strategy\": \"header\", \"key\": \"X-Client\"")), previous: second.State);
        Assert.Equal("503", await Statuses(third, "/e", 1, ("X-Client", "a")));
        Assert.Same(second.State.Find("ratelimit/router", "GET /e"), third.State.Find("ratelimit/router", "GET /e"));
        Assert.NotSame(second.State.Find("ratelimit/router/client", "GET /e"), third.State.Find("ratelimit/router/client", "GET /e"));

        var fourth = Build(Endpoint("/e", Router("\"max_rate\": 2, \"client_max_rate\": 2, \"strategy\": \"header\", \"key\": \"X-Client\"")), previous: third.State);
        Assert.Equal("200", await Statuses(fourth, "/e", 1, ("X-Client", "z")));
        foreach (var g in new[] { first, second, third, fourth }) await g.DisposeAsync();
    }

    [Fact]
    public async Task Reload_KeepsAnOpenCircuitBreakerOpen_UnlessItsSettingsChange()
    {
        const string breaker = ", \"extra_config\": {\"qos/circuit-breaker\": {\"timeout\": 60, \"max_errors\": 0}}";
        var backend = new InMemoryBackend(_ => Json("{}", HttpStatusCode.InternalServerError));
        var first = Build(Endpoint("/c", "", breaker), backend);
        Assert.Equal("500", await Statuses(first, "/c", 1));
        Assert.Single(backend.Received);

        var healthy = new InMemoryBackend(_ => Json("""{"ok":true}"""));
        var second = Build(Endpoint("/c", "", breaker), healthy, first.State);
        Assert.Equal("500", await Statuses(second, "/c", 1));
        Assert.Empty(healthy.Received);

        var third = Build(Endpoint("/c", "", breaker.Replace("60", "30", StringComparison.Ordinal)), healthy, second.State);
        Assert.Equal("200", await Statuses(third, "/c", 1));
        Assert.Single(healthy.Received);
        foreach (var g in new[] { first, second, third }) await g.DisposeAsync();
    }

    [Fact]
    public void TwoHundredReloads_HoldOnlyTheLiveState_AndDropWhatNoGenerationUses()
    {
        var (last, keptBucket, firstChanging, firstState) = Reload200Times();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(firstState.IsAlive);
        Assert.False(firstChanging.IsAlive);
        Assert.Equal(2, last.Count);
        Assert.Same(keptBucket, last.Find("ratelimit/router", "GET /kept"));
    }

    // In its own frame, so that no local of the test keeps the first generation or its changing bucket alive.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private (GenerationState Last, object Kept, WeakReference Changing, WeakReference FirstState) Reload200Times()
    {
        var previous = Build(Endpoint("/kept", Router("\"max_rate\": 1")) + ", " + Endpoint("/changing", Router("\"max_rate\": 1000"))).State;
        var kept = previous.Find("ratelimit/router", "GET /kept")!;
        var changing = new WeakReference(previous.Find("ratelimit/router", "GET /changing"));
        var state = new WeakReference(previous);
        for (var i = 1; i <= 200; i++)
        {
            var next = Build(Endpoint("/kept", Router("\"max_rate\": 1")) + ", " + Endpoint("/changing", Router($"\"max_rate\": {1000 + i}")), previous: previous);
            Assert.Equal(2, next.State.Count);
            previous = next.State;
        }
        return (previous, kept, changing, state);
    }
}
