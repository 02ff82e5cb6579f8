using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Http;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Tests.Proxy;

public sealed class BackendCallerTests
{
    private static bool UsesLean(string host, string sd = "static")
    {
        var json = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/a", "backend": [ { "host": ["{{host}}"], "url_pattern": "/x", "sd": "{{sd}}" } ] } ] }
            """;
        var config = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json").Config!;
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
    public void PlainHttpBackend_UsesTheLeanClient() => Assert.True(UsesLean("http://127.0.0.1:8080"));

    [Fact]
    public void HttpsBackend_StaysOnSocketsHttpHandler() => Assert.False(UsesLean("https://example.com"));

    [Fact]
    public void DnsServiceDiscovery_StaysOnSocketsHttpHandler() => Assert.False(UsesLean("http://api.service.consul", "dns"));
}
