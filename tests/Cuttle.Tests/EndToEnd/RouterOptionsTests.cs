using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// The router options lura hands gin (router/gin engine.go and router.go): the client IP under trusted_proxies,
/// remote_ip_headers, forwarded_by_client_ip and app_engine; auto_options; remove_extra_slash. Over real sockets,
/// the client always being 127.0.0.1.
/// </summary>
public sealed class RouterOptionsTests
{
    private static string Config(string backendUrl, string router, string endpoints = "") => $$"""
        { "version": 3, "extra_config": { "router": { {{router}} } },
          "endpoints": [ { "endpoint": "/ip", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/" } ] } {{endpoints}} ] }
        """;

    /// <summary>The X-Forwarded-For the backend received for one request with the given headers.</summary>
    private static async Task<string> ForwardedFor(string router, params (string Name, string Value)[] headers)
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, router));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ip");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await gw.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(backend.Requests.TryDequeue(out var seen));
        return seen.Headers["X-Forwarded-For"];
    }

    [Fact]
    public async Task Default_router_reads_X_Forwarded_For_from_the_right_and_gives_up_at_a_value_that_is_no_address()
    {
        // gin's defaults trust every proxy: the leftmost address when every item parses.
        Assert.Equal("1.1.1.1", await ForwardedFor("", ("X-Forwarded-For", "1.1.1.1, 2.2.2.2")));
        // An item that is no address ends the walk from the right: the header is not valid and X-Real-Ip is next.
        Assert.Equal("3.3.3.3", await ForwardedFor("", ("X-Forwarded-For", "1.1.1.1, bogus"), ("X-Real-IP", "3.3.3.3")));
        Assert.Equal("127.0.0.1", await ForwardedFor("", ("X-Forwarded-For", "1.1.1.1, bogus")));
    }

    [Fact]
    public async Task A_client_that_is_not_a_trusted_proxy_cannot_choose_its_address()
    {
        Assert.Equal("127.0.0.1", await ForwardedFor("\"trusted_proxies\": [\"10.0.0.0/8\"]", ("X-Forwarded-For", "6.6.6.6")));
        Assert.Equal("127.0.0.1", await ForwardedFor("\"trusted_proxies\": [\"10.0.0.0/8\"]", ("X-Real-IP", "6.6.6.6")));
    }

    [Fact]
    public async Task A_trusted_proxy_is_believed_up_to_the_first_address_that_is_not_one()
    {
        Assert.Equal("6.6.6.6", await ForwardedFor("\"trusted_proxies\": [\"127.0.0.0/8\"]", ("X-Forwarded-For", "6.6.6.6, 127.0.0.5")));
        // Only 127.0.0.1 is trusted: 127.0.0.5, read from the right, is the client.
        Assert.Equal("127.0.0.5", await ForwardedFor("\"trusted_proxies\": [\"127.0.0.1\"]", ("X-Forwarded-For", "6.6.6.6, 127.0.0.5")));
    }

    [Fact]
    public async Task Remote_ip_headers_replace_gins_list_and_forwarded_by_client_ip_false_ignores_them()
    {
        var cf = "\"remote_ip_headers\": [\"cf-connecting-ip\"]";
        Assert.Equal("7.7.7.7", await ForwardedFor(cf, ("X-Forwarded-For", "6.6.6.6"), ("CF-Connecting-IP", "7.7.7.7")));
        Assert.Equal("127.0.0.1", await ForwardedFor(cf, ("X-Forwarded-For", "6.6.6.6")));
        Assert.Equal("127.0.0.1", await ForwardedFor("\"forwarded_by_client_ip\": false", ("X-Forwarded-For", "6.6.6.6")));
        Assert.Equal("8.8.8.8", await ForwardedFor("\"app_engine\": true", ("X-Appengine-Remote-Addr", "8.8.8.8"), ("X-Forwarded-For", "6.6.6.6")));
    }

    [Fact]
    public async Task Auto_options_answers_OPTIONS_with_the_paths_methods()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"auto_options\": true", $$"""
            , { "endpoint": "/ip", "method": "POST", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }
            , { "endpoint": "/ip", "method": "DELETE", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] }
            """));

        using var response = await gw.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/ip"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DELETE, GET, POST", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal("Version 2.13.8", MergingTests.Header(response, "X-Krakend"));
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Empty(backend.Requests);

        // Without the option, OPTIONS on a routed path stays gin's 405.
        await using var plain = await GatewayHarness.StartAsync(Config(backend.Url, ""));
        using var refused = await plain.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/ip"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
    }

    [Fact]
    public async Task Remove_extra_slash_routes_the_cleaned_path()
    {
        await using var backend = await FakeBackend.StartAsync(ctx => ctx.Response.WriteAsync($$"""{"p":"{{ctx.Request.Path}}"}"""));
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "\"remove_extra_slash\": true",
            $$""", { "endpoint": "/users/{id}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/u/{id}" } ] }"""));

        using var response = await gw.Client.GetAsync($"http://127.0.0.1:{gw.Port}//users//42");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"p":"/u/42"}""", await response.Content.ReadAsStringAsync());
    }
}
