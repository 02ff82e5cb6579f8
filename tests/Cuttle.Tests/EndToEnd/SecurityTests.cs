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

    [Fact]
    public async Task Bot_detector_at_endpoint_level_rejects_with_an_empty_403_and_spares_other_endpoints()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/guarded", "extra_config": { "security/bot-detector": { "patterns": ["(?i)bot"], "empty_user_agent_is_bot": true, "cache_size": 4 } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] },
              { "endpoint": "/open", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);

        async Task<HttpResponseMessage> Get(string path, string? agent)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (agent is not null) request.Headers.TryAddWithoutValidation("User-Agent", agent);
            return await gw.Client.SendAsync(request);
        }

        var bot = await Get("/guarded", "GoodBot/1.0");
        Assert.Equal(HttpStatusCode.Forbidden, bot.StatusCode);
        Assert.Equal("", await bot.Content.ReadAsStringAsync());
        Assert.Null(MergingTests.Header(bot, "X-Krakend"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/guarded", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get("/guarded", "Mozilla/5.0")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get("/open", "GoodBot/1.0")).StatusCode);
    }
}
