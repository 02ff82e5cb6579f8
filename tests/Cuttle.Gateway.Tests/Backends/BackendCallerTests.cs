using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Data;
using Cuttle.Testing;

namespace Cuttle.Gateway.Tests.Backends;

public sealed class BackendCallerTests
{
    private static Cuttle.Config.Model.GatewayConfig Parse(string host, string sd = "static")
    {
        var json = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/a", "backend": [ { "host": ["{{host}}"], "url_pattern": "/x", "sd": "{{sd}}" } ] } ] }
            """;
        return ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json").Config!;
    }

    private static bool UsesLean(string host, string sd = "static")
    {
        var config = Parse(host, sd);
        var client = BackendClient.For(config, null);
        try
        {
            var endpoint = config.Endpoints[0];
            return new BackendCaller(endpoint.Backend[0], endpoint, client.Transport).UsesLeanClient;
        }
        finally
        {
            client.Release();
        }
    }

    [Fact]
    public void A_pattern_without_placeholders_is_one_prebuilt_url_per_host_until_a_query_is_added()
    {
        var json = """
            { "version": 3, "endpoints": [ { "endpoint": "/a/{id}", "input_query_strings": ["q"], "backend": [
              { "host": ["http://h1:81", "http://h2:82"], "url_pattern": "/static/path" },
              { "host": ["http://h3:83"], "url_pattern": "/items/{id}" } ] } ] }
            """;
        var config = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json").Config!;
        var endpoint = config.Endpoints[0];
        var client = BackendClient.For(config, null);
        try
        {
            var fixedUrl = new BackendCaller(endpoint.Backend[0], endpoint, client.Transport);
            var templated = new BackendCaller(endpoint.Backend[1], endpoint, client.Transport);
            using var scope = new RequestScope();
            ProxyRequest Request(params KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>[] query) =>
                new() { Method = "GET", Params = ["42"], Headers = [], Query = [.. query], Scope = scope };

            var first = fixedUrl.BuildUrl(Request());
            var second = fixedUrl.BuildUrl(Request());
            var third = fixedUrl.BuildUrl(Request());
            Assert.Equal(["http://h1:81/static/path", "http://h2:82/static/path"], new[] { first, second }.Order());
            Assert.Same(first, third); // round-robin back to the same host: the very same string, nothing built
            Assert.EndsWith("/static/path?q=a+b", fixedUrl.BuildUrl(Request(new KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>("q", "a b"))));
            Assert.Equal("http://h3:83/items/42", templated.BuildUrl(Request()));
        }
        finally
        {
            client.Release();
        }
    }

    [Fact]
    public async Task UrlOutsideTheConfiguredHosts_IsSentToItsOwnHost()
    {
        await using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthere");
        });
        var config = Parse("http://127.0.0.1:8080");
        var client = BackendClient.For(config, null);
        try
        {
            var endpoint = config.Endpoints[0];
            var caller = new BackendCaller(endpoint.Backend[0], endpoint, client.Transport);
            using var scope = new RequestScope();
            var request = new ProxyRequest { Method = "GET", Params = [], Headers = [], Query = [], Scope = scope };
            using var response = await caller.SendAsync(request, $"http://127.0.0.1:{server.Port}/elsewhere", default);
            var buffer = new byte[16];
            var n = await response.ReadAsync(buffer, default);
            Assert.Equal("there", Encoding.ASCII.GetString(buffer, 0, n));
            Assert.StartsWith("GET /elsewhere HTTP/1.1\r\n", server.Requests.Single());
        }
        finally
        {
            client.Release();
        }
    }

    [Theory]
    [InlineData("http://[::1", "failed to parse Location header \"http://[::1\"")]
    [InlineData("ftp://127.0.0.1/file", "unsupported protocol scheme \"ftp\"")]
    public async Task SocketsHandlerRedirect_ToAnUnparsableOrNonHttpLocation_FailsTheCallLikeGo(string location, string error)
    {
        // Through SocketsHttpHandler (https backends, service discovery): the same rule as the lean client's redirects.
        await using var server = new RawServer(async (c, _) =>
        {
            while (await c.ReadRequestAsync() is not null) await c.SendAsync($"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n");
        });
        var config = Parse($"http://127.0.0.1:{server.Port}");
        var endpoint = config.Endpoints[0];
        using var invoker = new BackendTransport(new HttpMessageInvoker(new SocketsHttpHandler { AllowAutoRedirect = false }));
        var caller = new BackendCaller(endpoint.Backend[0], endpoint, invoker);
        Assert.False(caller.UsesLeanClient);
        using var scope = new RequestScope();
        var request = new ProxyRequest { Method = "GET", Params = [], Headers = [], Query = [], Scope = scope };

        var ex = await Assert.ThrowsAsync<HttpRequestException>(async () => await caller.SendAsync(request, caller.BuildUrl(request), default));
        Assert.Equal(error, ex.Message);
    }

    [Fact]
    public void PlainHttpBackend_UsesTheLeanClient() => Assert.True(UsesLean("http://127.0.0.1:8080"));

    [Fact]
    public void HttpsBackend_UsesTheLeanClientOverTls() => Assert.True(UsesLean("https://example.com"));

    [Fact]
    public void DnsServiceDiscovery_StaysOnSocketsHttpHandler() => Assert.False(UsesLean("http://api.service.consul", "dns"));
}
