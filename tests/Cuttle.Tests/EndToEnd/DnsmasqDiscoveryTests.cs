using System.Collections.Concurrent;
using Cuttle.Testing;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// sd: dns end to end against a real dnsmasq: the gateway, pointed at it by CUTTLE_DNS_SERVER, sends requests to the
/// backends its SRV records name, in lura's proportions, and follows a change of the records after dns_cache_ttl with
/// no failed request.
/// </summary>
[Collection(nameof(DnsServerVariableCollection))]
public sealed class DnsmasqDiscoveryTests
{
    private const string Srv = "_api._tcp.backends.test";

    private static string Record(string port, int priority, int weight) => $"--srv-host={Srv},127.0.0.1,{port},{priority},{weight}";

    [SkippableFact]
    public async Task Requests_reach_the_srv_targets_by_weight_and_priority_and_follow_a_record_change()
    {
        var seen = new ConcurrentQueue<string>();
        await using var a = await FakeBackend.StartAsync(ctx => Serve(ctx, "a", seen));
        await using var b = await FakeBackend.StartAsync(ctx => Serve(ctx, "b", seen));
        await using var backup = await FakeBackend.StartAsync(ctx => Serve(ctx, "backup", seen));
        await using var c = await FakeBackend.StartAsync(ctx => Serve(ctx, "c", seen));
        static string PortOf(FakeBackend backend) => new Uri(backend.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Weights 60 and 20 compact to 3 and 1; the priority-20 record is a backup lura never uses while priority 10 answers.
        using var dns = DnsmasqServer.StartNew(Record(PortOf(a), 10, 60), Record(PortOf(b), 10, 20), Record(PortOf(backup), 20, 100));
        using var variable = new DnsServerVariable(dns.Endpoint.ToString());
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "dns_cache_ttl": "1s", "endpoints": [ { "endpoint": "/sd", "backend": [
              { "host": ["{{Srv}}"], "sd": "dns", "disable_host_sanitize": true, "url_pattern": "/x" } ] } ] }
            """);

        // The first request waits for the first answer; from then on the list is A, A, A, B in turn.
        for (var i = 0; i < 40; i++)
        {
            var response = await gw.Client.GetAsync("/sd");
            Assert.True(response.IsSuccessStatusCode, $"request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var counts = seen.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(30, counts.GetValueOrDefault("a"));
        Assert.Equal(10, counts.GetValueOrDefault("b"));
        Assert.Equal(0, counts.GetValueOrDefault("backup"));

        // New records: only C. Requests go on without a failure; after the TTL the refresh sends them all to C.
        dns.Restart(Record(PortOf(c), 10, 1));
        seen.Clear();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var lastFour = new Queue<string>();
        while (sw.Elapsed < TimeSpan.FromSeconds(15))
        {
            var response = await gw.Client.GetAsync("/sd");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"after the change: {(int)response.StatusCode} {body}");
            lastFour.Enqueue(body);
            if (lastFour.Count > 4) lastFour.Dequeue();
            if (lastFour.Count == 4 && lastFour.All(x => x == """{"name":"c"}""")) break;
            await Task.Delay(50);
        }
        Assert.Equal(Enumerable.Repeat("""{"name":"c"}""", 4), lastFour);
    }

    private static async Task Serve(Microsoft.AspNetCore.Http.HttpContext ctx, string name, ConcurrentQueue<string> seen)
    {
        seen.Enqueue(name);
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync($$"""{"name":"{{name}}"}""");
    }
}

/// <summary>CUTTLE_DNS_SERVER is process-wide: the test classes that set it run one at a time.</summary>
[CollectionDefinition(nameof(DnsServerVariableCollection), DisableParallelization = true)]
public sealed class DnsServerVariableCollection;

/// <summary>Sets CUTTLE_DNS_SERVER (read when a gateway builds its sd: dns backends) until disposed.</summary>
public sealed class DnsServerVariable : IDisposable
{
    public DnsServerVariable(string endpoint) => Environment.SetEnvironmentVariable("CUTTLE_DNS_SERVER", endpoint);

    public void Dispose() => Environment.SetEnvironmentVariable("CUTTLE_DNS_SERVER", null);
}
