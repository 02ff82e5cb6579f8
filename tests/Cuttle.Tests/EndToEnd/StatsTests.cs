using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cuttle.Config;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>telemetry/metrics through the real host: requests on the gateway's port, /__stats on its own listener.</summary>
public sealed class StatsTests
{
    private static string Config(string backendUrl, string listen, int version = 0) => $$"""
        { "version": 3, "extra_config": { "telemetry/metrics": { "listen_address": "{{listen}}", "collection_time": "1m" } },
          "endpoints": [ { "endpoint": "/users/{id}", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/u/{id}?v={{version}}" } ] } ] }
        """;

    private static async Task<Dictionary<string, JsonElement>> StatsAsync(int port)
    {
        using var client = new HttpClient();
        var response = await client.GetAsync($"http://127.0.0.1:{port}/__stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    private static long Value(Dictionary<string, JsonElement> stats, string key) => stats.TryGetValue(key, out var v) ? v.GetInt64() : 0;

    [Fact]
    public async Task Calling_an_endpoint_N_times_grows_its_counters_by_N_under_krakends_names()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"name":"a"}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "127.0.0.1:0"));
        var port = gw.Server.Stats.Port;
        Assert.NotEqual(0, port);
        var before = await StatsAsync(port);

        const int N = 7;
        for (var i = 0; i < N; i++) Assert.Equal("""{"name":"a"}""", await gw.Client.GetStringAsync($"/users/{i}"));
        var after = await StatsAsync(port);

        long Delta(string key) => Value(after, key) - Value(before, key);
        Assert.Equal(N, Delta("krakend.router.response./users/:id.status.200.count"));
        Assert.Equal(N, Delta("krakend.router.response./users/:id.time.count"));
        Assert.Equal(N, Delta("krakend.router.connected"));
        Assert.Equal(N, Delta("krakend.router.disconnected"));
        Assert.Equal(N, Delta("krakend.proxy.requests.layer.pipe.name./users/:id.complete.true.error.false"));
        Assert.Equal(N, Delta("krakend.proxy.requests.layer.backend.name./u/{{.Id}}?v=0.complete.true.error.false"));
        Assert.Equal(N, Delta("krakend.proxy.latency.layer.backend.name./u/{{.Id}}?v=0.complete.true.error.false.count"));
        Assert.Equal(12, after["krakend.router.response./users/:id.size.max"].GetDouble());
        Assert.True(after["krakend.router.response./users/:id.time.mean"].GetDouble() > 0);
        Assert.Equal(JsonValueKind.Array, after["cmdline"].ValueKind);

        // /__stats lives on its own listener only.
        Assert.Equal(HttpStatusCode.NotFound, (await gw.Client.GetAsync("/__stats")).StatusCode);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"http://127.0.0.1:{port}/other")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PostAsync($"http://127.0.0.1:{port}/__stats", null)).StatusCode);
    }

    [Fact]
    public async Task A_reload_rebinds_a_changed_listen_address_and_keeps_the_counters()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"name":"a"}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, "127.0.0.1:0"));
        var oldPort = gw.Server.Stats.Port;
        for (var i = 0; i < 3; i++) await gw.Client.GetStringAsync("/users/1");

        var newPort = TestPorts.Closed();
        var outcome = await gw.Server.ReloadAsync(ConfigLoader.Parse(System.Text.Encoding.UTF8.GetBytes(Config(backend.Url, $"127.0.0.1:{newPort}")), gw.ConfigPath).Config!);
        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal(newPort, gw.Server.Stats.Port);
        await gw.Client.GetStringAsync("/users/2");

        var stats = await StatsAsync(newPort);
        Assert.Equal(4, Value(stats, "krakend.router.response./users/:id.status.200.count"));
        Assert.Equal(4, Value(stats, "krakend.proxy.requests.layer.pipe.name./users/:id.complete.true.error.false"));
        // The old listener is gone.
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, oldPort));
    }

    [Fact]
    public async Task Two_hundred_reloads_leak_no_listener_and_no_metric()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"name":"a"}""");
        var ports = new[] { TestPorts.Closed(), TestPorts.Closed() };
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, $"127.0.0.1:{ports[0]}"));
        await gw.Client.GetStringAsync("/users/1");
        var fdsBefore = Directory.GetFiles("/proc/self/fd").Length;
        var metricsBefore = gw.Server.Stats.Collector.Count;

        for (var n = 1; n <= 200; n++)
        {
            // Every fourth reload moves the listener between two ports; the others change only the backend's url_pattern,
            // whose old names must leave the registry.
            var listen = $"127.0.0.1:{ports[(n / 4) % 2]}";
            var outcome = await gw.Server.ReloadAsync(ConfigLoader.Parse(System.Text.Encoding.UTF8.GetBytes(Config(backend.Url, listen, n)), gw.ConfigPath).Config!);
            Assert.True(outcome.Applied, outcome.Error);
            await gw.Client.GetStringAsync("/users/1");
        }

        var stats = await StatsAsync(gw.Server.Stats.Port);
        Assert.Equal(201, Value(stats, "krakend.router.response./users/:id.status.200.count"));
        Assert.DoesNotContain(stats.Keys, k => k.Contains("?v=199.", StringComparison.Ordinal));
        Assert.Equal(1, Value(stats, "krakend.proxy.requests.layer.backend.name./u/{{.Id}}?v=200.complete.true.error.false"));
        Assert.Equal(metricsBefore, gw.Server.Stats.Collector.Count);
        var fdsAfter = Directory.GetFiles("/proc/self/fd").Length;
        Assert.True(fdsAfter <= fdsBefore + 40, $"{fdsBefore} -> {fdsAfter} open descriptors");
    }

    [Fact]
    public async Task A_listen_address_already_in_use_leaves_the_gateway_serving()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var backend = await FakeBackend.JsonAsync("""{"name":"a"}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, $"127.0.0.1:{port}"));

        Assert.Equal(0, gw.Server.Stats.Port);
        Assert.Equal("""{"name":"a"}""", await gw.Client.GetStringAsync("/users/1"));
    }
}
