using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Cuttle.Gateway.Discovery;
using Cuttle.Gateway.Tests.Auth;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cuttle.Gateway.Tests.Discovery;

/// <summary>The SRV answer cache: dns_cache_ttl measured on the injected clock.</summary>
public sealed class SrvHostListTests : IDisposable
{
    private readonly UdpClient _dns = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private int _queries;

    public void Dispose()
    {
        _stop.Cancel();
        _dns.Dispose();
    }

    /// <summary>A DNS server on UDP loopback answering every SRV query with one record, counting the queries.</summary>
    private IPEndPoint StartDns()
    {
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult request;
                try { request = await _dns.ReceiveAsync(_stop.Token); }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
                Interlocked.Increment(ref _queries);
                var q = request.Buffer;
                var response = new List<byte>();
                response.AddRange(q[..2]);
                response.AddRange(new byte[] { 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 });
                response.AddRange(q[12..]);
                response.AddRange(new byte[] { 0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 30 });
                byte[] rdata = [0, 10, 0, 1, 0x1F, 0x90, 1, (byte)'a', 5, .. "local"u8, 0];
                var length = new byte[2];
                BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)rdata.Length);
                response.AddRange(length);
                response.AddRange(rdata);
                await _dns.SendAsync(response.ToArray(), request.RemoteEndPoint);
            }
        });
        return (IPEndPoint)_dns.Client.LocalEndPoint!;
    }

    private async Task WaitForQueries(int count)
    {
        for (var i = 0; i < 500 && Volatile.Read(ref _queries) < count; i++) await Task.Delay(10);
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
        Assert.Equal(1, Volatile.Read(ref _queries));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["http://a.local:8080"], sut.Hosts); // the previous answer serves while the refresh runs
        await WaitForQueries(2);

        Assert.Equal(2, Volatile.Read(ref _queries));
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
