using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Cuttle.Gateway.Discovery;

namespace Cuttle.Gateway.Tests.Discovery;

public sealed class DnsSrvResolverTests
{
    /// <summary>A one-shot DNS server on UDP loopback answering an SRV query with the given records (compressed names).</summary>
    private static async Task<(IPEndPoint Endpoint, Task Served)> FakeDnsAsync(params (ushort Priority, ushort Weight, ushort Port, string Target)[] answers)
    {
        var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        var served = Task.Run(async () =>
        {
            using (udp)
            {
                var request = await udp.ReceiveAsync();
                var q = request.Buffer;
                var response = new List<byte>();
                response.AddRange(q[..2]);                          // id
                response.AddRange(new byte[] { 0x81, 0x80 });       // response, RD, RA, rcode 0
                response.AddRange(new byte[] { 0, 1 });             // qdcount
                response.Add(0); response.Add((byte)answers.Length); // ancount
                response.AddRange(new byte[] { 0, 0, 0, 0 });
                response.AddRange(q[12..]);                         // the question as asked
                foreach (var (priority, weight, port, target) in answers)
                {
                    response.AddRange(new byte[] { 0xC0, 12 });     // name: pointer to the question
                    response.AddRange(new byte[] { 0, 33, 0, 1, 0, 0, 0, 30 });
                    var rdata = new List<byte>();
                    var b = new byte[6];
                    BinaryPrimitives.WriteUInt16BigEndian(b, priority);
                    BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), weight);
                    BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), port);
                    rdata.AddRange(b);
                    foreach (var label in target.TrimEnd('.').Split('.')) { rdata.Add((byte)label.Length); rdata.AddRange(System.Text.Encoding.ASCII.GetBytes(label)); }
                    rdata.Add(0);
                    response.Add((byte)(rdata.Count >> 8)); response.Add((byte)rdata.Count);
                    response.AddRange(rdata);
                }
                await udp.SendAsync(response.ToArray(), request.RemoteEndPoint);
            }
        });
        await Task.Yield();
        return (endpoint, served);
    }

    [Fact]
    public async Task Srv_answers_are_read_from_a_real_udp_exchange()
    {
        var (endpoint, served) = await FakeDnsAsync((10, 60, 8080, "a.svc.local."), (10, 20, 8081, "b.svc.local."), (20, 10, 9000, "backup.svc.local."));
        var resolver = new DnsSrvResolver(endpoint, TimeSpan.FromSeconds(5));

        var records = await resolver.LookupAsync("_http._tcp.api.svc.local", CancellationToken.None);
        await served;

        Assert.Equal(3, records.Count);
        Assert.Equal(new SrvRecord(10, 60, 8080, "a.svc.local."), records[0]);
        Assert.Equal("backup.svc.local.", records[2].Target);
    }

    [Fact]
    public void Hosts_keep_the_lowest_priority_weighted_like_lura()
    {
        var hosts = SrvHostList.Expand([new(10, 20, 8081, "b."), new(20, 10, 9000, "backup."), new(10, 60, 8080, "a.")], "http");
        Assert.Equal(["http://a:8080", "http://a:8080", "http://a:8080", "http://b:8081"], hosts);
    }

    [Fact]
    public async Task An_unknown_name_is_a_clear_error()
    {
        var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        var served = Task.Run(async () =>
        {
            using (udp)
            {
                var r = await udp.ReceiveAsync();
                var resp = r.Buffer.ToArray();
                resp[2] = 0x81; resp[3] = 0x83; // NXDOMAIN
                await udp.SendAsync(resp, r.RemoteEndPoint);
            }
        });
        var resolver = new DnsSrvResolver(endpoint, TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<DnsException>(() => resolver.LookupAsync("missing.local", CancellationToken.None));
        await served;
        Assert.Equal("lookup missing.local: no such host", ex.Message);
    }
}
