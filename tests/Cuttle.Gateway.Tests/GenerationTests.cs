using System.Net;
using System.Text.Json;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests;

/// <summary>A compiled generation serving requests end to end, its backends in memory (no sockets).</summary>
public sealed class GenerationTests
{
    private const string Host = "http://backend.test";

    private static string Endpoint(string endpoint, string backends, string extra = "") => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "{{endpoint}}", {{extra}} "backend": [ {{backends}} ] } ] }
        """;

    private static string Backend(string urlPattern, string more = "") => $$"""{ "host": ["{{Host}}"], "url_pattern": "{{urlPattern}}" {{more}} }""";

    private static JsonElement Parsed(string body) => JsonDocument.Parse(body).RootElement;

    [Fact]
    public async Task AnUnknownPath_Is404_AndNoBackendIsCalled()
    {
        var backend = new InMemoryBackend(_ => Json("{}"));
        await using var generation = Build(Endpoint("/a", Backend("/a")), backend);

        var (status, headers, body) = await Serve(generation, "GET", "/nowhere");

        Assert.Equal(404, status);
        Assert.Equal("404 page not found", body);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
        Assert.Empty(backend.Received);
    }

    [Fact]
    public async Task OneBackend_ItsObjectIsTheBody_AndTheParamIsFilledIntoTheBackendUrl()
    {
        var backend = new InMemoryBackend(_ => Json("""{"id":7,"name":"x"}"""));
        await using var generation = Build(Endpoint("/items/{id}", Backend("/v1/items/{id}")), backend);

        var (status, headers, body) = await Serve(generation, "GET", "/items/7");

        Assert.Equal(200, status);
        Assert.Equal("true", headers["X-Krakend-Completed"]);
        Assert.Equal("""{"id":7,"name":"x"}""", body);
        var call = Assert.Single(backend.Received);
        Assert.Equal(("GET", "http://backend.test/v1/items/7"), (call.Method, call.Url.AbsoluteUri));
    }

    [Fact]
    public async Task TwoBackends_AreMergedIntoOneObject()
    {
        var backend = new InMemoryBackend(r => r.Url.AbsolutePath == "/a" ? Json("""{"a":1}""") : Json("""{"b":2}"""));
        await using var generation = Build(Endpoint("/m", Backend("/a") + "," + Backend("/b")), backend);

        var (status, headers, body) = await Serve(generation, "GET", "/m");

        Assert.Equal(200, status);
        Assert.Equal("true", headers["X-Krakend-Completed"]);
        var merged = Parsed(body);
        Assert.Equal((1, 2), (merged.GetProperty("a").GetInt32(), merged.GetProperty("b").GetInt32()));
        Assert.Equal(2, backend.Received.Count);
    }

    [Fact]
    public async Task AMergeWithOneFailingBackend_AnswersWithThePart_MarkedIncomplete()
    {
        var backend = new InMemoryBackend(r => r.Url.AbsolutePath == "/a" ? Json("""{"a":1}""") : Json("{}", HttpStatusCode.InternalServerError));
        await using var generation = Build(Endpoint("/m", Backend("/a") + "," + Backend("/b")), backend);

        var (status, headers, body) = await Serve(generation, "GET", "/m");

        Assert.Equal(200, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
        Assert.Equal("""{"a":1}""", body);
    }

    [Fact]
    public async Task AFailingSingleBackend_Is500WithAnEmptyBody_AsKrakenDAnswers()
    {
        var backend = new InMemoryBackend(_ => Json("""{"error":"boom"}""", HttpStatusCode.BadGateway));
        await using var generation = Build(Endpoint("/a", Backend("/a")), backend);

        var (status, headers, body) = await Serve(generation, "GET", "/a");

        Assert.Equal(500, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task ABackendThatCannotBeReached_Is500_LikeAnyFailedCall()
    {
        var backend = new InMemoryBackend(_ => throw new HttpRequestException("connection refused"));
        await using var generation = Build(Endpoint("/a", Backend("/a")), backend);

        var (status, headers, _) = await Serve(generation, "GET", "/a");

        Assert.Equal(500, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
    }

    [Fact]
    public async Task ReturnErrorCode_PassesTheBackendsStatusOn()
    {
        var backend = new InMemoryBackend(_ => Json("""{"missing":true}""", HttpStatusCode.NotFound));
        await using var generation = Build(Endpoint("/a", Backend("/a", """, "extra_config": {"backend/http": {"return_error_code": true}}""")), backend);

        var (status, _, _) = await Serve(generation, "GET", "/a");

        Assert.Equal(404, status);
    }

    [Fact]
    public async Task AllowAndMapping_FilterTheBackendsObject()
    {
        var backend = new InMemoryBackend(_ => Json("""{"id":1,"name":"n","secret":"s"}"""));
        await using var generation = Build(Endpoint("/a", Backend("/a", """, "allow": ["id", "name"], "mapping": {"name": "title"}""")), backend);

        var (_, _, body) = await Serve(generation, "GET", "/a");

        Assert.Equal("""{"id":1,"title":"n"}""", body);
    }

    [Fact]
    public async Task ASequentialProxy_FillsTheNextBackendsUrlFromTheFirstAnswer()
    {
        var backend = new InMemoryBackend(r => r.Url.AbsolutePath == "/user" ? Json("""{"id":42}""") : Json("""{"orders":3}"""));
        await using var generation = Build(Endpoint("/s", Backend("/user") + "," + Backend("/orders/{resp0_id}"),
            """ "extra_config": {"proxy": {"sequential": true}}, """), backend);

        var (status, _, body) = await Serve(generation, "GET", "/s");

        Assert.Equal(200, status);
        Assert.Equal(["/user", "/orders/42"], backend.Received.Select(r => r.Url.AbsolutePath));
        Assert.Equal(3, Parsed(body).GetProperty("orders").GetInt32());
    }

    [Fact]
    public async Task OnlyTheListedHeadersAndQueryStrings_ReachTheBackend()
    {
        var backend = new InMemoryBackend(_ => Json("{}"));
        await using var generation = Build(Endpoint("/a", Backend("/a"),
            """ "input_headers": ["X-Keep"], "input_query_strings": ["q"], """), backend);

        await Serve(generation, "GET", "/a?q=1&drop=2", ("X-Keep", "yes"), ("X-Drop", "no"));

        var call = Assert.Single(backend.Received);
        Assert.Equal("?q=1", call.Url.Query);
        Assert.Equal("yes", call.Headers["X-Keep"]);
        Assert.False(call.Headers.ContainsKey("X-Drop"));
    }

    [Fact]
    public async Task ARedirect_IsFollowedWithAReferer_AndTheFinalAnswerIsServed()
    {
        var backend = new InMemoryBackend(r => r.Url.AbsolutePath == "/old"
            ? new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("/new", UriKind.Relative) } }
            : Json("""{"moved":true}"""));
        await using var generation = Build(Endpoint("/a", Backend("/old")), backend);

        var (status, _, body) = await Serve(generation, "GET", "/a");

        Assert.Equal(200, status);
        Assert.Equal("""{"moved":true}""", body);
        var calls = backend.Received.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.Equal("http://backend.test/old", calls[1].Headers["Referer"]);
    }

    [Fact]
    public async Task DisposingTheGeneration_ReleasesTheBackendItWasGiven()
    {
        var backend = new InMemoryBackend(_ => Json("{}"));
        var generation = Build(Endpoint("/a", Backend("/a")), backend);

        await generation.DisposeAsync();

        Assert.True(backend.Disposed);
    }
}
