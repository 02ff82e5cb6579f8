using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Http;
using Cuttle.Gateway.Proxy;
using Cuttle.Gateway.Tests.Transport;

namespace Cuttle.Gateway.Tests.Proxy;

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
            return new BackendCaller(endpoint.Backend[0], endpoint, client.Invoker).UsesLeanClient;
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
            var caller = new BackendCaller(endpoint.Backend[0], endpoint, client.Invoker);
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

    [Fact]
    public void PlainHttpBackend_UsesTheLeanClient() => Assert.True(UsesLean("http://127.0.0.1:8080"));

    [Fact]
    public void HttpsBackend_StaysOnSocketsHttpHandler() => Assert.False(UsesLean("https://example.com"));

    [Fact]
    public void DnsServiceDiscovery_StaysOnSocketsHttpHandler() => Assert.False(UsesLean("http://api.service.consul", "dns"));
}
