using System.Net;
using System.Net.Sockets;
using Cuttle.Config;
using Cuttle.Testing;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// sd: dns at start-up, against a real dnsmasq: lura's dnssrv subscriber resolves when it is created, so the first
/// request already goes to the SRV answer's hosts, and a failed first lookup leaves no host ("no hosts available")
/// rather than the SRV name called as a host.
/// </summary>
[Collection(nameof(DnsServerVariableCollection))]
public sealed class DnsmasqStartupTests
{
    private const string Srv = "_api._tcp.backends.test";

    private static string Config(string host, bool sanitize = false) => $$"""
        { "version": 3, "dns_cache_ttl": "30s", "endpoints": [ { "endpoint": "/sd", "backend": [
          { "host": ["{{host}}"], "sd": "dns", "disable_host_sanitize": {{(sanitize ? "false" : "true")}}, "url_pattern": "/x" } ] } ] }
        """;

    [SkippableFact]
    public async Task The_first_request_goes_to_the_srv_answer_even_when_the_answer_is_slow()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        using var dns = DnsmasqServer.StartNew($"--srv-host={Srv},127.0.0.1,{new Uri(backend.Url).Port},10,1");
        // Every answer comes 2 s late: the gateway is up and asked well before it would arrive in the background.
        await using var slow = new DelayingDnsRelay(dns.Endpoint, TimeSpan.FromSeconds(2));
        using var variable = new DnsServerVariable(slow.Endpoint.ToString());
        await using var gw = await GatewayHarness.StartAsync(Config(Srv));

        using var response = await gw.Client.GetAsync("/sd");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/x", Assert.Single(backend.Requests).PathAndQuery);
        Assert.Equal(1, slow.Queries);
    }

    [SkippableFact]
    public async Task A_first_lookup_without_records_leaves_no_host_and_the_srv_name_is_never_called()
    {
        // host[0] is a reachable backend's address: were the name itself used as a host, the call would succeed.
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        using var dns = DnsmasqServer.StartNew($"--srv-host={Srv},127.0.0.1,1,10,1");
        using var variable = new DnsServerVariable(dns.Endpoint.ToString());
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, sanitize: true));

        using var response = await gw.Client.GetAsync("/sd");

        // lura: the lookup fails ("no such host"), the subscriber keeps no hosts, the balancer answers ErrNoHosts: 500.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(backend.Requests);
    }

    [SkippableFact]
    public async Task A_reload_waits_for_the_answer_off_the_request_path_while_the_previous_generation_serves()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        using var dns = DnsmasqServer.StartNew($"--srv-host={Srv},127.0.0.1,{new Uri(backend.Url).Port},10,1");
        await using var slow = new DelayingDnsRelay(dns.Endpoint, TimeSpan.FromSeconds(2));
        using var variable = new DnsServerVariable(dns.Endpoint.ToString());
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [ { "endpoint": "/static", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/s" } ] } ] }
            """);
        Environment.SetEnvironmentVariable("CUTTLE_DNS_SERVER", slow.Endpoint.ToString());
        var next = ConfigLoader.Parse(System.Text.Encoding.UTF8.GetBytes($$"""
            { "version": 3, "dns_cache_ttl": "30s", "endpoints": [
              { "endpoint": "/static", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/s" } ] },
              { "endpoint": "/sd", "backend": [ { "host": ["{{Srv}}"], "sd": "dns", "disable_host_sanitize": true, "url_pattern": "/x" } ] } ] }
            """), gw.ConfigPath).Config!;

        var reload = Task.Run(() => gw.Server.ReloadAsync(next));
        while (slow.Queries == 0) await Task.Delay(10);
        // The new generation waits for its SRV answer; the live one answers meanwhile, without waiting for it.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using (var during = await gw.Client.GetAsync("/static")) Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"the live generation took {sw.Elapsed} to answer during the reload");
        Assert.False(reload.IsCompleted);

        var outcome = await reload;
        Assert.True(outcome.Applied, outcome.Error);
        using var first = await gw.Client.GetAsync("/sd");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    /// <summary>A UDP relay in front of dnsmasq that holds every query for a while before passing it on.</summary>
    private sealed class DelayingDnsRelay : IAsyncDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _queries;

        public DelayingDnsRelay(IPEndPoint upstream, TimeSpan delay) => _loop = RunAsync(upstream, delay);

        public IPEndPoint Endpoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

        public int Queries => Volatile.Read(ref _queries);

        private async Task RunAsync(IPEndPoint upstream, TimeSpan delay)
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult query;
                try { query = await _socket.ReceiveAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                Interlocked.Increment(ref _queries);
                _ = RelayAsync(query, upstream, delay);
            }
        }

        private async Task RelayAsync(UdpReceiveResult query, IPEndPoint upstream, TimeSpan delay)
        {
            try
            {
                await Task.Delay(delay, _stop.Token);
                using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                await client.SendAsync(query.Buffer, upstream, _stop.Token);
                var answer = await client.ReceiveAsync(_stop.Token);
                await _socket.SendAsync(answer.Buffer, query.RemoteEndPoint, _stop.Token);
            }
            catch (OperationCanceledException) { }
            catch (SocketException) { }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
