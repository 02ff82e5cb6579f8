using Cuttle.Gateway.Discovery;
using Cuttle.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cuttle.Gateway.Tests.Discovery;

/// <summary>The SRV resolver and its cache against a real dnsmasq on loopback.</summary>
public sealed class DnsmasqResolverTests
{
    [SkippableFact]
    public async Task Srv_records_served_by_dnsmasq_are_read()
    {
        using var dns = DnsmasqServer.StartNew("--srv-host=_api._tcp.svc.test,a.svc.test,8080,10,60", "--srv-host=_api._tcp.svc.test,b.svc.test,8081,20,5");
        var resolver = new DnsSrvResolver(dns.Endpoint, TimeSpan.FromSeconds(2));

        var records = await resolver.LookupAsync("_api._tcp.svc.test", CancellationToken.None);

        Assert.Equal([new SrvRecord(10, 60, 8080, "a.svc.test."), new SrvRecord(20, 5, 8081, "b.svc.test.")], records.OrderBy(r => r.Priority));
    }

    /// <summary>
    /// 40 records do not fit the 512 bytes of a plain UDP answer: dnsmasq sets TC unless the query offers more (EDNS),
    /// and the resolver must then get them all, over EDNS or TCP.
    /// </summary>
    [SkippableFact]
    public async Task A_set_larger_than_a_plain_udp_answer_is_read_whole()
    {
        var records = new string[40];
        for (var i = 0; i < records.Length; i++) records[i] = $"--srv-host=_big._tcp.svc.test,host-{i}.svc.test,{8000 + i},10,1";
        using var dns = DnsmasqServer.StartNew(records);
        var resolver = new DnsSrvResolver(dns.Endpoint, TimeSpan.FromSeconds(2));

        var answer = await resolver.LookupAsync("_big._tcp.svc.test", CancellationToken.None);

        Assert.Equal(Enumerable.Range(8000, 40), answer.Select(r => (int)r.Port).Order());
    }

    [SkippableFact]
    public async Task A_name_dnsmasq_does_not_know_is_no_such_host()
    {
        using var dns = DnsmasqServer.StartNew("--srv-host=_api._tcp.svc.test,a.svc.test,8080,10,60");
        var resolver = new DnsSrvResolver(dns.Endpoint, TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<DnsException>(() => resolver.LookupAsync("_other._tcp.svc.test", CancellationToken.None));
        Assert.Equal("lookup _other._tcp.svc.test: no such host", ex.Message);
    }

    /// <summary>While dnsmasq is down the cache keeps the last hosts; once it serves new records the next refresh takes them.</summary>
    [SkippableFact]
    public async Task The_cache_keeps_its_hosts_through_an_outage_and_takes_the_new_records_after()
    {
        using var dns = DnsmasqServer.StartNew("--srv-host=_api._tcp.svc.test,a.svc.test,8080,10,3", "--srv-host=_api._tcp.svc.test,b.svc.test,8081,10,1");
        var hosts = new SrvHostList("_api._tcp.svc.test", "http", new DnsSrvResolver(dns.Endpoint, TimeSpan.FromMilliseconds(200)),
            TimeSpan.FromSeconds(1), NullLogger.Instance);
        string[] before = ["http://a.svc.test:8080", "http://a.svc.test:8080", "http://a.svc.test:8080", "http://b.svc.test:8081"];
        Assert.Equal(before, await hosts.GetAsync(CancellationToken.None));

        dns.Stop();
        await hosts.RefreshAsync();
        Assert.Equal(before, hosts.Hosts);

        dns.Restart("--srv-host=_api._tcp.svc.test,c.svc.test,9090,10,1");
        await hosts.RefreshAsync();
        Assert.Equal(["http://c.svc.test:9090"], hosts.Hosts);
    }
}
