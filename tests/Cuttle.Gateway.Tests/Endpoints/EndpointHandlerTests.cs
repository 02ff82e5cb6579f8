using System.Net;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Endpoints;

/// <summary>The endpoint handler of a data endpoint, built by the builder and fed by an in-memory backend.</summary>
public sealed class EndpointHandlerTests
{
    private static Generation CreateSut(InMemoryBackend backend, string endpointExtra = "") => Build($$"""
        { "version": 3, "endpoints": [ { "endpoint": "/e", {{endpointExtra}}
          "backend": [ { "host": ["http://backend.test"], "url_pattern": "/up" } ] } ] }
        """, backend);

    [Fact]
    public async Task ACompleteAnswer_CarriesCacheControlFromCacheTtl_AndTheKrakenDHeaders()
    {
        var backend = new InMemoryBackend(_ => Json("""{"a":1}"""));
        await using var generation = CreateSut(backend, """ "cache_ttl": "60s", """);

        var (status, headers, _) = await Serve(generation, "GET", "/e");

        Assert.Equal(200, status);
        Assert.Equal("public, max-age=60", headers.CacheControl);
        Assert.Equal("true", headers["X-Krakend-Completed"]);
        Assert.True(headers.ContainsKey("X-Krakend"));
    }

    [Fact]
    public async Task AnIncompleteAnswer_HasNoCacheControl()
    {
        var backend = new InMemoryBackend(_ => Json("{}", HttpStatusCode.ServiceUnavailable));
        await using var generation = CreateSut(backend, """ "cache_ttl": "60s", """);

        var (status, headers, _) = await Serve(generation, "GET", "/e");

        Assert.Equal(500, status);
        Assert.False(headers.ContainsKey("Cache-Control"));
    }

    [Fact]
    public async Task AnEndpointTimeout_Is500_WhenTheBackendDoesNotAnswerInTime()
    {
        var backend = new InMemoryBackend(_ => Json("{}")) { Delay = TimeSpan.FromSeconds(10) };
        await using var generation = CreateSut(backend, """ "timeout": "50ms", """);

        var (status, headers, _) = await Serve(generation, "GET", "/e");

        Assert.Equal(500, status);
        Assert.Equal("false", headers["X-Krakend-Completed"]);
    }
}
