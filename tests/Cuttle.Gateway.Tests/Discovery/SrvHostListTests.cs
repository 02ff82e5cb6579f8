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
}
