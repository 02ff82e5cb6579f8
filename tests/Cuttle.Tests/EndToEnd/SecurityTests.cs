using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>Service-level security namespaces through the real host: they wrap the whole server, 404s included.</summary>
public sealed class SecurityTests
{
    private static string Config(string endpoints, string extra) => $$"""{ "version": 3, "extra_config": { {{extra}} }, "endpoints": [ {{endpoints}} ] }""";

    [Fact]
    public async Task Cors_wraps_unknown_paths_and_answers_preflights_before_routing()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config(
            $$"""{ "endpoint": "/only-get", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }""",
            """ "security/cors": { "allow_origins": ["https://app.example"], "expose_headers": ["x-total"] } """));

        using var notFound = new HttpRequestMessage(HttpMethod.Get, "/nope");
        notFound.Headers.Add("Origin", "https://app.example");
        var r404 = await gw.Client.SendAsync(notFound);
        Assert.Equal(HttpStatusCode.NotFound, r404.StatusCode);
        Assert.Equal("https://app.example", MergingTests.Header(r404, "Access-Control-Allow-Origin"));
        Assert.Equal("X-Total", MergingTests.Header(r404, "Access-Control-Expose-Headers"));
        Assert.Equal("Origin", MergingTests.Header(r404, "Vary"));

        // A preflight to a route that has no OPTIONS handler is still answered: rs/cors never calls the router.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/only-get");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var r204 = await gw.Client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, r204.StatusCode);
        Assert.Equal("POST", MergingTests.Header(r204, "Access-Control-Allow-Methods"));
        Assert.Null(MergingTests.Header(r204, "X-Krakend"));
        Assert.Empty(backend.Requests);
    }
}
