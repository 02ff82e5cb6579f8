using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>Backends merged into one JSON object, with KrakenD's completeness, caching and failure rules.</summary>
public sealed class MergingTests
{
    private static string Config(string endpoints, string extra = "") => $$"""
        { "version": 3, "port": 8080, "cache_ttl": "300s", "timeout": "2s" {{extra}}, "endpoints": [ {{endpoints}} ] }
        """;

    [Fact]
    public async Task Two_backends_are_merged_with_sorted_keys_and_marked_complete()
    {
        await using var users = await FakeBackend.JsonAsync("""{"name":"ann","id":7,"tags":["a","b"]}""");
        await using var posts = await FakeBackend.JsonAsync("""{"z":1,"posts":[{"b":2,"a":1}]}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/user/{id}", "backend": [
                { "host": ["{{users.Url}}"], "url_pattern": "/users/{id}" },
                { "host": ["{{posts.Url}}"], "url_pattern": "/posts?user={id}", "group": "feed" } ] }
            """));

        var response = await gw.Client.GetAsync("/user/7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"feed":{"posts":[{"a":1,"b":2}],"z":1},"id":7,"name":"ann","tags":["a","b"]}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("true", Header(response, "X-Krakend-Completed"));
        Assert.Equal("Version 2.13.8", Header(response, "X-Krakend"));
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("/users/7", users.Requests.Single().PathAndQuery);
        Assert.Equal("/posts?user=7", posts.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task A_backend_that_is_down_gives_a_partial_response_without_cache_headers()
    {
        await using var up = await FakeBackend.JsonAsync("""{"ok":true}""");
        var closedPort = TestPorts.Closed();
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/partial", "backend": [
                { "host": ["{{up.Url}}"], "url_pattern": "/a" },
                { "host": ["http://127.0.0.1:{{closedPort}}"], "url_pattern": "/b", "group": "down" } ] }
            """));

        var response = await gw.Client.GetAsync("/partial");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("false", Header(response, "X-Krakend-Completed"));
        Assert.Null(response.Headers.CacheControl);
    }

    [Fact]
    public async Task When_every_backend_fails_the_endpoint_answers_500_with_the_error_when_return_error_msg()
    {
        var closedPort = TestPorts.Closed();
        await using var notFound = await FakeBackend.JsonAsync("""{"x":1}""", status: 404);
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/single", "backend": [ { "host": ["{{notFound.Url}}"], "url_pattern": "/missing/{{"{"}}id}" } ] },
            { "endpoint": "/both", "backend": [
                { "host": ["{{notFound.Url}}"], "url_pattern": "/a" },
                { "host": ["http://127.0.0.1:{{closedPort}}"], "url_pattern": "/b" } ] }
            """.Replace("/missing/{id}", "/missing"), extra: """, "extra_config": { "router": { "return_error_msg": true } }"""));

        var single = await gw.Client.GetAsync("/single");
        Assert.Equal(HttpStatusCode.InternalServerError, single.StatusCode);
        Assert.Equal($"invalid status code 404 [GET /missing]: {notFound.Url}/missing", await single.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", single.Content.Headers.ContentType?.ToString());
        Assert.Equal("false", Header(single, "X-Krakend-Completed"));

        var both = await gw.Client.GetAsync("/both");
        Assert.Equal(HttpStatusCode.InternalServerError, both.StatusCode);
        var body = await both.Content.ReadAsStringAsync();
        Assert.Contains("invalid status code 404", body);
        Assert.Contains("connection refused", body);
    }

    [Fact]
    public async Task Without_return_error_msg_a_failure_has_an_empty_body()
    {
        await using var broken = await FakeBackend.JsonAsync("{}", status: 503);
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/x", "backend": [ { "host": ["{{broken.Url}}"], "url_pattern": "/x" } ] }
            """));

        var response = await gw.Client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_200_and_201_count_as_success_so_a_204_is_a_failure()
    {
        await using var created = await FakeBackend.JsonAsync("""{"created":true}""", status: 201);
        await using var noContent = await FakeBackend.StartAsync(ctx => { ctx.Response.StatusCode = 204; return Task.CompletedTask; });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/created", "backend": [ { "host": ["{{created.Url}}"], "url_pattern": "/" } ] },
            { "endpoint": "/empty", "backend": [ { "host": ["{{noContent.Url}}"], "url_pattern": "/" } ] }
            """));

        Assert.Equal("""{"created":true}""", await gw.Client.GetStringAsync("/created"));
        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/empty")).StatusCode);
    }

    [Fact]
    public async Task Malformed_json_from_a_backend_is_a_backend_failure_not_a_crash()
    {
        await using var garbage = await FakeBackend.StartAsync(async ctx => await ctx.Response.WriteAsync("{\"unterminated\": [1,2"));
        await using var good = await FakeBackend.JsonAsync("""{"good":1}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/garbage", "backend": [ { "host": ["{{garbage.Url}}"], "url_pattern": "/" } ] },
            { "endpoint": "/mixed", "backend": [ { "host": ["{{garbage.Url}}"], "url_pattern": "/" }, { "host": ["{{good.Url}}"], "url_pattern": "/" } ] }
            """));

        Assert.Equal(HttpStatusCode.InternalServerError, (await gw.Client.GetAsync("/garbage")).StatusCode);
        var mixed = await gw.Client.GetAsync("/mixed");
        Assert.Equal(HttpStatusCode.OK, mixed.StatusCode);
        Assert.Equal("""{"good":1}""", await mixed.Content.ReadAsStringAsync());
        Assert.Equal("false", Header(mixed, "X-Krakend-Completed"));
        // The gateway still serves afterwards.
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/__health")).StatusCode);
    }

    [Fact]
    public async Task A_slow_backend_is_cut_at_85_percent_of_the_endpoint_timeout_in_a_merge()
    {
        await using var fast = await FakeBackend.JsonAsync("""{"fast":1}""");
        await using var slow = await FakeBackend.StartAsync(async ctx =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted);
            await ctx.Response.WriteAsync("""{"slow":1}""");
        });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/t", "timeout": "300ms", "backend": [
                { "host": ["{{fast.Url}}"], "url_pattern": "/", "group": "first" },
                { "host": ["{{slow.Url}}"], "url_pattern": "/", "group": "second" } ] },
            { "endpoint": "/hang", "timeout": "200ms", "backend": [ { "host": ["{{slow.Url}}"], "url_pattern": "/" } ] }
            """));

        var merged = await gw.Client.GetAsync("/t");
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal("""{"first":{"fast":1}}""", await merged.Content.ReadAsStringAsync());
        Assert.Equal("false", Header(merged, "X-Krakend-Completed"));

        var hang = await gw.Client.GetAsync("/hang");
        Assert.Equal(HttpStatusCode.InternalServerError, hang.StatusCode);
    }

    [Fact]
    public async Task Gzip_backend_bodies_are_decoded()
    {
        await using var gz = await FakeBackend.StartAsync(async ctx =>
        {
            Assert.Contains("gzip", ctx.Request.Headers.AcceptEncoding.ToString());
            ctx.Response.Headers.ContentEncoding = "gzip";
            ctx.Response.ContentType = "application/json";
            using var ms = new MemoryStream();
            await using (var z = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                await z.WriteAsync("""{"zipped":true}"""u8.ToArray());
            await ctx.Response.Body.WriteAsync(ms.ToArray());
        });
        await using var gw = await GatewayHarness.StartAsync(Config($$"""{ "endpoint": "/z", "backend": [ { "host": ["{{gz.Url}}"], "url_pattern": "/" } ] }"""));

        Assert.Equal("""{"zipped":true}""", await gw.Client.GetStringAsync("/z"));
    }

    internal static string? Header(HttpResponseMessage r, string name)
        => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;
}
