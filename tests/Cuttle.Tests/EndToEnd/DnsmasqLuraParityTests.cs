using System.Collections.Concurrent;
using System.Net;
using Cuttle.Testing;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// sd: dns against a real dnsmasq where lura's dnssrv subscriber (on Go's net.LookupSRV) once behaved differently:
/// resolv.conf's search list for a name without a trailing dot, records whose weights all compact to 0, and the
/// trailing dot of the SRV target.
/// </summary>
[Collection(nameof(DnsServerVariableCollection))]
public sealed class DnsmasqLuraParityTests
{
    private const string Srv = "_api._tcp.backends.test";

    private static string Record(FakeBackend backend, int priority, int weight, string target = "127.0.0.1") =>
        $"--srv-host={Srv},{target},{new Uri(backend.Url).Port},{priority},{weight}";

    private static string Config(string host) => $$"""
        { "version": 3, "dns_cache_ttl": "1s", "endpoints": [ { "endpoint": "/sd", "backend": [
          { "host": ["{{host}}"], "sd": "dns", "disable_host_sanitize": true, "url_pattern": "/x" } ] } ] }
        """;

    [SkippableFact]
    public async Task A_name_without_a_trailing_dot_goes_through_the_resolv_conf_search_list()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        using var dns = DnsmasqServer.StartNew(Record(backend, 10, 1));
        using var variable = new DnsServerVariable(dns.Endpoint.ToString());
        var dir = Directory.CreateTempSubdirectory("cuttle-resolv-").FullName;
        try
        {
            // Go's order for "_api._tcp" (1 dot, ndots 1): "_api._tcp." first, then each search domain.
            var resolvConf = Path.Combine(dir, "resolv.conf");
            await File.WriteAllTextAsync(resolvConf, "search other.test backends.test\noptions ndots:1\n");
            Environment.SetEnvironmentVariable("CUTTLE_RESOLV_CONF", resolvConf);
            await using var gw = await GatewayHarness.StartAsync(Config("_api._tcp"));

            using var response = await GetWhenAnswered(gw);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(backend.Requests, r => r.PathAndQuery == "/x");
        }
        finally
        {
            Environment.SetEnvironmentVariable("CUTTLE_RESOLV_CONF", null);
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Records_whose_weights_are_all_zero_leave_no_host_and_calls_fail_without_reaching_a_backend()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        using var dns = DnsmasqServer.StartNew(Record(backend, 10, 5));
        using var variable = new DnsServerVariable(dns.Endpoint.ToString());
        await using var gw = await GatewayHarness.StartAsync(Config(Srv));
        using (var first = await GetWhenAnswered(gw)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // lura: compact([0]) is [0], so the subscriber's hosts become none and its balancer answers
        // sd.ErrNoHosts; the endpoint answers 500 (no error details configured) and no backend is called.
        dns.Restart(Record(backend, 10, 0));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            using var response = await gw.Client.GetAsync("/sd");
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.OK && sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        var calls = backend.Requests.Count;
        using (var again = await gw.Client.GetAsync("/sd")) Assert.Equal(HttpStatusCode.InternalServerError, again.StatusCode);
        Assert.Equal(calls, backend.Requests.Count);
    }

    [SkippableFact]
    public async Task The_srv_target_is_called_without_its_trailing_dot()
    {
        // Go's LookupSRV gives "localhost." and lura builds http://localhost.:port (Host "localhost.:port"). .NET's
        // resolver (getaddrinfo) does not find "localhost." in /etc/hosts where Go's does, so Cuttle keeps dropping
        // the dot: the call works, and the backend sees Host "localhost:port".
        var hosts = new ConcurrentQueue<string>();
        await using var backend = await FakeBackend.StartAsync(async ctx =>
        {
            hosts.Enqueue(ctx.Request.Host.Value ?? "");
            await ctx.Response.WriteAsync("{}");
        });
        using var dns = DnsmasqServer.StartNew(Record(backend, 10, 1, target: "localhost"));
        using var variable = new DnsServerVariable(dns.Endpoint.ToString());
        await using var gw = await GatewayHarness.StartAsync(Config(Srv));

        using var response = await GetWhenAnswered(gw);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"localhost:{new Uri(backend.Url).Port}", Assert.Single(hosts));
    }

    /// <summary>The first answer is awaited at start-up; the retry only absorbs a lookup slower than that bound.</summary>
    private static async Task<HttpResponseMessage> GetWhenAnswered(GatewayHarness gw)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var response = await gw.Client.GetAsync("/sd");
            if (response.IsSuccessStatusCode || sw.Elapsed > TimeSpan.FromSeconds(10)) return response;
            response.Dispose();
            await Task.Delay(100);
        }
    }
}
