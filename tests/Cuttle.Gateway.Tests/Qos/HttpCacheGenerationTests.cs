using System.Net;
using System.Text;
using Cuttle.Config;
using Microsoft.Extensions.Time.Testing;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Qos;

/// <summary>qos/http-cache in a compiled generation: its backend in memory, counting the calls that reach it, and its clock fake.</summary>
public sealed class HttpCacheGenerationTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private Generation Build(string endpoints, InMemoryBackend backend, GenerationState? previous = null)
    {
        var json = $$"""{ "version": 3, "endpoints": [ {{endpoints}} ] }""";
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = backend, TimeProvider = _time, PreviousState = previous });
    }

    [Fact]
    public async Task AReload_KeepsTheStoredResponses_UnlessTheCacheSettingsChanged()
    {
        var n = 0;
        var backend = new InMemoryBackend(_ => Cacheable($$"""{"n":{{++n}}}"""));
        var cached = Endpoint("/e", "/b", """ "qos/http-cache": {"max_items": 100} """);
        var first = Build(cached + ", " + Endpoint("/s", "/sb", """ "qos/http-cache": {"shared": true} """), backend);
        Assert.Equal("""{"n":1}""", (await Serve(first, "GET", "/e")).Body);
        Assert.Equal("""{"n":2}""", (await Serve(first, "GET", "/s")).Body);

        // Same settings (another endpoint added): both the backend's own store and the shared one are carried over.
        var second = Build(cached + ", " + Endpoint("/s", "/sb", """ "qos/http-cache": {"shared": true} """) + ", " + Endpoint("/new", "/n", ""), backend, first.State);
        await first.DisposeAsync();
        Assert.Equal("""{"n":1}""", (await Serve(second, "GET", "/e")).Body);
        Assert.Equal("""{"n":2}""", (await Serve(second, "GET", "/s")).Body);
        Assert.Equal(2, backend.Received.Count);

        // A changed bound is a new cache: it starts empty.
        await using var third = Build(Endpoint("/e", "/b", """ "qos/http-cache": {"max_items": 50} """), backend, second.State);
        await second.DisposeAsync();
        Assert.Equal("""{"n":3}""", (await Serve(third, "GET", "/e")).Body);
        Assert.Equal(3, backend.Received.Count);
    }

    private static string Endpoint(string path, string backendPath, string cache, string more = "") =>
        $$"""{ "endpoint": "{{path}}" {{more}}, "backend": [ { "host": ["http://backend.test"], "url_pattern": "{{backendPath}}", "extra_config": { {{cache}} } } ] }""";

    private HttpResponseMessage Cacheable(string body, string cacheControl = "max-age=60")
    {
        var response = Json(body);
        response.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        response.Headers.Date = _time.GetUtcNow();
        return response;
    }

    [Fact]
    public async Task ASecondRequest_IsAnsweredFromTheCache_UntilTheResponseExpires()
    {
        var n = 0;
        var backend = new InMemoryBackend(_ => Cacheable($$"""{"n":{{++n}}}"""));
        await using var generation = Build(Endpoint("/e", "/b", """ "qos/http-cache": {} """) + ", " + Endpoint("/plain", "/p", ""), backend);

        // Without the namespace every request reaches the backend.
        await Serve(generation, "GET", "/plain");
        await Serve(generation, "GET", "/plain");
        Assert.Equal(2, backend.Received.Count);
        n = 0;
        while (backend.Received.TryDequeue(out _)) { }

        Assert.Equal("""{"n":1}""", (await Serve(generation, "GET", "/e")).Body);
        _time.Advance(TimeSpan.FromSeconds(30));
        var (status, headers, body) = await Serve(generation, "GET", "/e");
        Assert.Equal((200, """{"n":1}"""), (status, body));
        Assert.Equal("true", headers["X-Krakend-Completed"]);
        Assert.Single(backend.Received);

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("""{"n":2}""", (await Serve(generation, "GET", "/e")).Body);
        Assert.Equal(2, backend.Received.Count);
    }

    [Fact]
    public async Task ANoOpEndpoint_ReplaysStatusHeadersAndBody_WithAnAge()
    {
        var backend = new InMemoryBackend(_ =>
        {
            var r = Cacheable("raw body\n", "public, max-age=120");
            r.Headers.TryAddWithoutValidation("X-Backend", "yes");
            return r;
        });
        await using var generation = Build(Endpoint("/e", "/b", """ "qos/http-cache": {"shared": true} """, """, "output_encoding": "no-op" """), backend);

        var first = await Serve(generation, "GET", "/e");
        _time.Advance(TimeSpan.FromSeconds(7));
        var second = await Serve(generation, "GET", "/e");

        Assert.Single(backend.Received);
        Assert.Equal((200, "raw body\n"), (second.Status, second.Body));
        Assert.Equal("yes", second.Headers["X-Backend"]);
        Assert.Equal("public, max-age=120", second.Headers.CacheControl);
        Assert.Equal("7", second.Headers["Age"]);
        Assert.Equal(first.Headers.ContentType, second.Headers.ContentType);
    }

    [Fact]
    public async Task SharedBackends_UseOneStore_PrivateOnesDoNot()
    {
        var backend = new InMemoryBackend(_ => Cacheable("""{"a":1}"""));
        await using var shared = Build(
            Endpoint("/e1", "/b", """ "qos/http-cache": {"shared": true} """) + ", " + Endpoint("/e2", "/b", """ "qos/http-cache": {"shared": true} """), backend);
        await Serve(shared, "GET", "/e1");
        await Serve(shared, "GET", "/e2");
        Assert.Single(backend.Received);

        var other = new InMemoryBackend(_ => Cacheable("""{"a":1}"""));
        await using var separate = Build(
            Endpoint("/e1", "/b", """ "qos/http-cache": {} """) + ", " + Endpoint("/e2", "/b", """ "qos/http-cache": {} """), other);
        await Serve(separate, "GET", "/e1");
        await Serve(separate, "GET", "/e2");
        Assert.Equal(2, other.Received.Count);
    }

    [Fact]
    public async Task AStaleResponse_IsRevalidatedWithItsETag_AndA304KeepsTheStoredBody()
    {
        var backend = new InMemoryBackend(r =>
        {
            if (r.Headers.TryGetValue("If-None-Match", out var etag) && etag == "\"v1\"")
                return new HttpResponseMessage(HttpStatusCode.NotModified) { Headers = { { "Cache-Control", "max-age=10" } } };
            var response = Cacheable("""{"v":1}""", "max-age=10");
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"v1\"");
            return response;
        });
        await using var generation = Build(Endpoint("/e", "/b", """ "qos/http-cache": {} """), backend);

        await Serve(generation, "GET", "/e");
        _time.Advance(TimeSpan.FromSeconds(11));
        var (status, _, body) = await Serve(generation, "GET", "/e");

        Assert.Equal((200, """{"v":1}"""), (status, body));
        Assert.Equal(2, backend.Received.Count);
        Assert.Equal("\"v1\"", backend.Received.Last().Headers["If-None-Match"]);
    }

    [Fact]
    public async Task Vary_OnAForwardedHeader_KeepsTheAnswersApart()
    {
        var backend = new InMemoryBackend(r =>
        {
            var response = Cacheable($$"""{"lang":"{{r.Headers.GetValueOrDefault("Accept-Language", "none")}}"}""");
            response.Headers.Vary.Add("Accept-Language");
            return response;
        });
        await using var generation = Build(Endpoint("/e", "/b", """ "qos/http-cache": {} """, """, "input_headers": ["Accept-Language"] """), backend);

        Assert.Equal("""{"lang":"en"}""", (await Serve(generation, "GET", "/e", ("Accept-Language", "en"))).Body);
        Assert.Equal("""{"lang":"en"}""", (await Serve(generation, "GET", "/e", ("Accept-Language", "en"))).Body);
        Assert.Single(backend.Received);
        Assert.Equal("""{"lang":"fr"}""", (await Serve(generation, "GET", "/e", ("Accept-Language", "fr"))).Body);
        Assert.Equal(2, backend.Received.Count);
    }

    [Fact]
    public async Task ConcurrentRequests_OnAColdCache_AllGetTheWholeAnswer()
    {
        var body = "{\"data\":\"" + new string('x', 20_000) + "\"}";
        var backend = new InMemoryBackend(_ => Cacheable(body)) { Delay = TimeSpan.FromMilliseconds(20) };
        await using var generation = Build(Endpoint("/e", "/b", """ "qos/http-cache": {} """, """, "output_encoding": "no-op" """), backend);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Serve(generation, "GET", "/e"))));

        Assert.All(results, r => Assert.Equal((200, body), (r.Status, r.Body)));
        var calls = backend.Received.Count;
        Assert.Equal(body, (await Serve(generation, "GET", "/e")).Body);
        Assert.Equal(calls, backend.Received.Count);
    }
}
