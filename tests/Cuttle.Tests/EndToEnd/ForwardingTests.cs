using System.Net;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>Zero-trust forwarding: only declared headers and query strings reach a backend, as KrakenD sends them.</summary>
public sealed class ForwardingTests
{
    private static string Config(string endpoints) => $$"""{ "version": 3, "endpoints": [ {{endpoints}} ] }""";

    [Fact]
    public async Task By_default_only_content_type_is_forwarded_and_the_user_agent_is_krakends()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/h", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/h" } ] }"""));
        var request = new HttpRequestMessage(HttpMethod.Get, "/h?secret=1");
        request.Headers.Add("Authorization", "Bearer x");
        request.Headers.Add("Cookie", "a=b");
        request.Headers.UserAgent.ParseAdd("curl/8");

        await gw.Client.SendAsync(request);

        var seen = backend.Requests.Single();
        Assert.Equal("/h", seen.PathAndQuery);
        Assert.False(seen.Headers.ContainsKey("Authorization"));
        Assert.False(seen.Headers.ContainsKey("Cookie"));
        Assert.Equal("KrakenD Version 2.13.8", seen.Headers["User-Agent"]);
        Assert.Equal($"127.0.0.1:{gw.Port}", seen.Headers["X-Forwarded-Host"]);
        Assert.Equal("127.0.0.1", seen.Headers["X-Forwarded-For"]);
        Assert.Equal("gzip", seen.Headers["Accept-Encoding"]);
        Assert.False(seen.Headers.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task Listed_headers_and_query_strings_are_forwarded_canonicalised_and_sorted()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/p/{id}", "input_headers": ["x-tenant", "User-Agent"], "input_query_strings": ["b", "a"],
              "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/items/{id}" } ] }
            """));
        var request = new HttpRequestMessage(HttpMethod.Get, "/p/42?z=9&b=2&a=1&a=3&c=x");
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Other", "no");
        request.Headers.UserAgent.ParseAdd("client/1");

        await gw.Client.SendAsync(request);

        var seen = backend.Requests.Single();
        Assert.Equal("/items/42?a=1&a=3&b=2", seen.PathAndQuery);
        Assert.Equal("acme", seen.Headers["X-Tenant"]);
        Assert.False(seen.Headers.ContainsKey("X-Other"));
        Assert.Equal("client/1", seen.Headers["User-Agent"]);
        Assert.Equal("KrakenD Version 2.13.8", seen.Headers["X-Forwarded-Via"]);
    }

    [Fact]
    public async Task Wildcards_forward_every_header_and_query_string()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/all", "input_headers": ["*"], "input_query_strings": ["*"],
              "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/all?fixed=1" } ] }
            """));
        var request = new HttpRequestMessage(HttpMethod.Get, "/all?b=2&a=hello world");
        request.Headers.Add("a-b-c", "x");

        await gw.Client.SendAsync(request);

        var seen = backend.Requests.Single();
        Assert.Equal("/all?fixed=1&a=hello+world&b=2", seen.PathAndQuery);
        Assert.Equal("x", seen.Headers["A-B-C"]);
    }

    [Fact]
    public async Task A_post_body_is_streamed_to_the_backend_with_its_content_type()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"stored":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/items", "method": "POST", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/items" } ] }
            """));

        var response = await gw.Client.PostAsync("/items", new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = backend.Requests.Single();
        Assert.Equal("POST", seen.Method);
        Assert.Equal("""{"name":"x"}""", seen.Body);
        Assert.StartsWith("application/json", seen.Headers["Content-Type"]);
        Assert.Equal("chunked", seen.Headers["Transfer-Encoding"]);
    }

    [Fact]
    public async Task An_empty_post_sends_content_length_zero()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/e", "method": "POST", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/e" } ] }
            """));

        await gw.Client.PostAsync("/e", null);

        Assert.Equal("0", backend.Requests.Single().Headers["Content-Length"]);
    }

    [Fact]
    public async Task Backend_redirects_are_followed_with_a_referer_as_go_does()
    {
        FakeBackend? self = null;
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            if (ctx.Request.Path == "/old") { ctx.Response.StatusCode = 302; ctx.Response.Headers.Location = "/new"; return; }
            await ctx.Response.WriteAsync($$"""{"referer":"{{ctx.Request.Headers.Referer}}"}""");
        });
        self = backend;
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/r", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/old" } ] }"""));

        var body = await gw.Client.GetStringAsync("/r");

        Assert.Equal($$"""{"referer":"{{backend.Url}}/old"}""", body);
    }

    [Fact]
    public async Task Encoded_path_params_are_refused_with_400()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/u/{id}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/u/{id}" } ] }"""));

        var response = await gw.Client.GetAsync("/u/a%2520b");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("error: encoded url params", await response.Content.ReadAsStringAsync());
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task Several_hosts_are_balanced_round_robin()
    {
        await using var a = await FakeBackend.JsonAsync("""{"from":"a"}""");
        await using var b = await FakeBackend.JsonAsync("""{"from":"b"}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/lb", "backend": [ { "host": ["{{a.Url}}", "{{b.Url}}"], "url_pattern": "/" } ] }"""));

        for (var i = 0; i < 4; i++) await gw.Client.GetStringAsync("/lb");

        Assert.Equal(2, a.Requests.Count);
        Assert.Equal(2, b.Requests.Count);
    }
}
