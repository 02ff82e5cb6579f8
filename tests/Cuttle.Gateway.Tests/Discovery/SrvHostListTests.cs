using System.Net;
using Cuttle.Gateway.Discovery;
using Cuttle.Gateway.Tests.Auth;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cuttle.Gateway.Tests.Discovery;

/// <summary>The SRV answer cache: dns_cache_ttl measured on the injected clock.</summary>
public sealed class SrvHostListTests : IAsyncDisposable
{
    private readonly FakeDnsServer _dns = new((q, tcp, n) => [FakeDnsServer.Answer(q, 0x0180, [new(10, 1, 8080, "a.local")])]);

    public ValueTask DisposeAsync() => _dns.DisposeAsync();

    private IPEndPoint StartDns() => _dns.Endpoint;

    private async Task WaitForQueries(int count)
    {
        for (var i = 0; i < 500 && _dns.UdpQueries < count; i++) await Task.Delay(10);
    }

    [Fact]
    public async Task Answer_IsReusedWithinTheTtl_AndRefreshedOnceTheClockPassesIt()
    {
        var time = JwtTestKeys.NewClock();
        var resolver = new DnsSrvResolver(StartDns(), TimeSpan.FromSeconds(5));
        var sut = new SrvHostList("_http._tcp.api.local", "http", resolver, TimeSpan.FromSeconds(30), NullLogger.Instance, time);

        Assert.Equal(["http://a.local:8080"], await sut.GetAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(29));
        _ = sut.Hosts;
        await Task.Delay(100); // a refresh, had one started, would have asked by now
        Assert.Equal(1, _dns.UdpQueries);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["http://a.local:8080"], sut.Hosts); // the previous answer serves while the refresh runs
        await WaitForQueries(2);

        Assert.Equal(2, _dns.UdpQueries);
    }

    /// <summary>lura's ExampleRegister (sd/dnssrv): the weight-0 host is dropped, the rest repeat by weight / gcd.</summary>
    [Fact]
    public void Hosts_follow_luras_example_register()
    {
        SrvRecord[] answer =
        [
            new(0, 2, 90, "foobar"), new(0, 2, 90, "127.0.0.1"), new(0, 2, 80, "127.0.0.1"), new(0, 4, 81, "127.0.0.1"),
            new(2, 10, 82, "127.0.0.1"), new(0, 0, 83, "127.0.0.1"),
        ];

        Assert.Equal(["http://127.0.0.1:81", "http://127.0.0.1:81", "http://127.0.0.1:80", "http://127.0.0.1:90", "http://foobar:90"], SrvHostList.Expand(answer, "http"));
    }

    /// <summary>lura's Examplecompact_basicweights and Examplecompact_custom_weights, value for value.</summary>
    [Theory]
    [InlineData(new ushort[] { 25, 10000, 1000 }, new ushort[] { 0, 10, 1 })]
    [InlineData(new ushort[] { 25, 1000, 10000, 0, 65535 }, new ushort[] { 0, 1, 13, 0, 85 })]
    [InlineData(new ushort[] { 1, 65535 }, new ushort[] { 0, 1 })]
    [InlineData(new ushort[] { }, new ushort[] { })]
    [InlineData(new ushort[] { 0, 0, 0, 0 }, new ushort[] { 0, 0, 0, 0 })]
    [InlineData(new ushort[] { 15015, 15016, 15017, 15018, 15019 }, new ushort[] { 19, 19, 20, 20, 20 })]
    [InlineData(new ushort[] { 0, 105, 210, 315, 420 }, new ushort[] { 0, 1, 2, 3, 4 })]
    public void Weights_are_compacted_like_lura(ushort[] weights, ushort[] expected)
    {
        Assert.Equal(expected, SrvHostList.Compact(weights));
    }
}
