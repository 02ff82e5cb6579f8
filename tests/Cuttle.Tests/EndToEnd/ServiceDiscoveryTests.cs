using System.Net;
using System.Net.Sockets;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>sd: dns end to end: a real UDP DNS server on loopback answers SRV queries that point at a real backend.</summary>
[Collection(nameof(DnsServerVariableCollection))]
public sealed class ServiceDiscoveryTests
{
    [Fact]
    public async Task Sd_dns_calls_the_targets_of_the_srv_answer()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"discovered":true}""");
        var backendPort = new Uri(backend.Url).Port;
        using var dns = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var dnsEndpoint = (IPEndPoint)dns.Client.LocalEndPoint!;
        using var stop = new CancellationTokenSource();
        var queries = 0;
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult request;
                try { request = await dns.ReceiveAsync(stop.Token); } catch (OperationCanceledException) { return; }
                Interlocked.Increment(ref queries);
                var q = request.Buffer;
                var r = new List<byte>(q[..2]) { 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 };
                var end = 12;
                while (q[end] != 0) end += q[end] + 1;
                r.AddRange(q[12..(end + 5)]); // the question only: an EDNS record the query carries is not echoed
                r.AddRange(new byte[] { 0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 30 });
                var rdata = new List<byte> { 0, 10, 0, 1, (byte)(backendPort >> 8), (byte)backendPort };
                foreach (var label in "127.0.0.1".Split('.')) { rdata.Add((byte)label.Length); rdata.AddRange(System.Text.Encoding.ASCII.GetBytes(label)); }
                rdata.Add(0);
                r.Add((byte)(rdata.Count >> 8)); r.Add((byte)rdata.Count);
                r.AddRange(rdata);
                await dns.SendAsync(r.ToArray(), request.RemoteEndPoint);
            }
        });
        using var variable = new DnsServerVariable(dnsEndpoint.ToString());
        try
        {
            await using var gw = await GatewayHarness.StartAsync("""
                { "version": 3, "endpoints": [ { "endpoint": "/sd", "backend": [
                  { "host": ["_api._tcp.backend.test"], "sd": "dns", "disable_host_sanitize": true, "url_pattern": "/x" } ] } ] }
                """);

            string? body = null;
            for (var i = 0; i < 100 && body is null; i++)
            {
                var response = await gw.Client.GetAsync("/sd");
                if (response.IsSuccessStatusCode) body = await response.Content.ReadAsStringAsync();
                else await Task.Delay(50);
            }

            Assert.Equal("""{"discovered":true}""", body);
            Assert.True(queries >= 1);
            Assert.Equal("/x", backend.Requests.Last().PathAndQuery);
        }
        finally
        {
            await stop.CancelAsync();
            await server;
        }
    }
}
