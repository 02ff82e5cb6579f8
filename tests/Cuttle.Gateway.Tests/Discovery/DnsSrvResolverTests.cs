using System.Diagnostics;
using System.Net;
using Cuttle.Gateway.Discovery;
using static Cuttle.Gateway.Tests.Discovery.FakeDnsServer;

namespace Cuttle.Gateway.Tests.Discovery;

/// <summary>The SRV resolver against a DNS peer on loopback that sends well-formed, broken and hostile answers.</summary>
public sealed class DnsSrvResolverTests
{
    private const string Name = "_http._tcp.api.svc.local";
    private static readonly Srv[] s_three = [new(10, 60, 8080, "a.svc.local"), new(10, 20, 8081, "b.svc.local"), new(20, 10, 9000, "backup.svc.local")];

    private static DnsSrvResolver Resolver(FakeDnsServer server, double timeoutSeconds = 2) => new(server.Endpoint, TimeSpan.FromSeconds(timeoutSeconds));

    private static void AssertThree(IReadOnlyList<SrvRecord> records)
    {
        Assert.Equal([new SrvRecord(10, 60, 8080, "a.svc.local."), new SrvRecord(10, 20, 8081, "b.svc.local."), new SrvRecord(20, 10, 9000, "backup.svc.local.")], records);
    }

    [Fact]
    public async Task Srv_answers_are_read_from_a_real_udp_exchange()
    {
        await using var server = new FakeDnsServer((q, tcp, n) => [Answer(q, 0x0180, s_three)]);

        AssertThree(await Resolver(server).LookupAsync(Name, CancellationToken.None));
        Assert.Equal((1, 0), (server.UdpQueries, server.TcpQueries));
    }

    [Fact]
    public async Task A_nameserver_on_ipv6_loopback_is_asked_over_ipv6()
    {
        await using var server = new FakeDnsServer((q, tcp, n) => [Answer(q, 0x0180, s_three)], IPAddress.IPv6Loopback);

        AssertThree(await Resolver(server).LookupAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task A_truncated_udp_answer_is_asked_again_over_tcp()
    {
        // The TC bit: the datagram held no records, the whole answer comes over TCP (as for any SRV set over 512 bytes).
        await using var server = new FakeDnsServer((q, tcp, n) => tcp ? [Answer(q, 0x0180, s_three)] : [Answer(q, 0x0380, [])]);

        AssertThree(await Resolver(server).LookupAsync(Name, CancellationToken.None));
        Assert.Equal((1, 1), (server.UdpQueries, server.TcpQueries));
    }

    [Fact]
    public async Task A_lost_datagram_is_retried()
    {
        await using var server = new FakeDnsServer((q, tcp, n) => n == 1 ? [] : [Answer(q, 0x0180, s_three)]);

        AssertThree(await Resolver(server, 0.5).LookupAsync(Name, CancellationToken.None));
        Assert.Equal(2, server.UdpQueries);
    }

    [Fact]
    public async Task Additional_address_records_are_not_taken_for_answers()
    {
        byte[] additional = [.. Address("a.svc.local", IPAddress.Parse("10.0.0.1")), .. Address("a.svc.local", IPAddress.IPv6Loopback)];
        await using var server = new FakeDnsServer((q, tcp, n) => [Answer(q, 0x0180, s_three, 2, additional)]);

        AssertThree(await Resolver(server).LookupAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_name_is_a_clear_error()
    {
        await using var server = new FakeDnsServer((q, tcp, n) => [Answer(q, 0x0183, [])]);

        var ex = await Assert.ThrowsAsync<DnsException>(() => Resolver(server).LookupAsync("missing.local", CancellationToken.None));
        Assert.Equal("lookup missing.local: no such host", ex.Message);
    }

    [Theory]
    [InlineData(0x0182, "Server Failure")]
    [InlineData(0x0185, "Query Refused")]
    public async Task An_error_answer_is_an_error_naming_the_rcode(ushort flags, string words)
    {
        await using var server = new FakeDnsServer((q, tcp, n) => [Answer(q, flags, [])]);

        var ex = await Assert.ThrowsAsync<DnsException>(() => Resolver(server).LookupAsync(Name, CancellationToken.None));
        Assert.Contains(words, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_answer_is_no_records()
    {
        await using var server = new FakeDnsServer((q, tcp, n) => [Answer(q, 0x0180, [])]);

        Assert.Empty(await Resolver(server).LookupAsync(Name, CancellationToken.None));
    }

    public static TheoryData<string> Malformed => ["cut mid-answer", "rdlength past the end", "compression loop", "five bytes"];

    /// <summary>Each malformed answer is a DnsException (the cache keeps its hosts and logs it), never another exception type.</summary>
    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_answer_is_a_dns_error(string kind)
    {
        await using var server = new FakeDnsServer((q, tcp, n) => [Broken(q, kind)]);

        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAsync<DnsException>(() => Resolver(server, 1).LookupAsync(Name, CancellationToken.None));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
    }

    private static byte[] Broken(byte[] query, string kind)
    {
        var a = Answer(query, 0x0180, [new(10, 1, 80, "x")]);
        switch (kind)
        {
            case "cut mid-answer": return a[..(a.Length - 5)];
            case "rdlength past the end": a[^11] = 0x7F; return a; // rdlength sits before 6 bytes of numbers and the 3-byte target
            case "compression loop":
                // The target (1 'x' 0) becomes a pointer to itself; rdlength 6 + 2.
                var at = a.Length - 3;
                byte[] looped = [.. a[..at], (byte)(0xC0 | (at >> 8)), (byte)at];
                looped[at - 8] = 0;
                looped[at - 7] = 8;
                return looped;
            default: return a[..5];
        }
    }

    [Fact]
    public async Task Answers_with_another_id_only_end_in_an_error_not_a_hang()
    {
        await using var server = new FakeDnsServer((q, tcp, n) =>
        {
            var spoofed = Answer(q, 0x0180, [new(1, 1, 1, "evil")]);
            spoofed[0] ^= 0xFF;
            return [spoofed];
        });

        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAsync<DnsException>(() => Resolver(server).LookupAsync(Name, CancellationToken.None));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
    }

    [Fact]
    public async Task A_silent_server_is_a_timeout_error_after_the_attempts()
    {
        await using var server = new FakeDnsServer((q, tcp, n) => []);

        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<DnsException>(() => Resolver(server, 0.3).LookupAsync(Name, CancellationToken.None));
        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.UdpQueries);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
    }

    [Fact]
    public void The_nameservers_come_from_resolv_conf_in_order()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["# comment", "search example.com", "nameserver 10.1.2.3", "nameserver ::1", "options ndots:2"]);

            var resolver = DnsSrvResolver.FromSystem(TimeSpan.FromSeconds(1), file);

            Assert.Equal([new IPEndPoint(IPAddress.Parse("10.1.2.3"), 53), new IPEndPoint(IPAddress.IPv6Loopback, 53)], resolver.Nameservers);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
