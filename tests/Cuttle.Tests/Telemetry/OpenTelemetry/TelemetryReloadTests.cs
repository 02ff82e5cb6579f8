using System.Net.Sockets;
using Cuttle.Config;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenTelemetry;

/// <summary>telemetry/opentelemetry follows a reload: exporters rebound, nothing left behind after many reloads.</summary>
[Collection(nameof(ProcessWideMeasurements))] // the leak test counts the process's file descriptors and threads
public sealed class TelemetryReloadTests
{
    private static async Task ReloadAsync(GatewayHarness gw, string json)
    {
        var loaded = ConfigLoader.Parse(System.Text.Encoding.UTF8.GetBytes(json), gw.ConfigPath);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        var outcome = await gw.Server.ReloadAsync(loaded.Config!);
        Assert.True(outcome.Applied, outcome.Error);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_changed_exporter_port_is_rebound_and_the_reload_is_counted()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var first = TestPorts.Closed();
        var second = TestPorts.Closed();
        await using var gw = await GatewayHarness.StartAsync(PrometheusExporterTests.Config(backend.Url, first));
        await gw.Client.GetAsync("/items/1");
        Assert.Contains("http_server_duration_count", await PrometheusExporterTests.ScrapeAsync(first));

        await ReloadAsync(gw, PrometheusExporterTests.Config(backend.Url, second, "\"trace_sample_rate\": 0.25,"));
        await gw.Client.GetAsync("/items/2");
        var exposition = await PrometheusExporterTests.ScrapeAsync(second);
        Assert.Contains("cuttle_reloads_applied_total{otel_scope_name=\"cuttle\",otel_scope_version=\"0.1.0\"} 1", exposition);
        Assert.Contains("cuttle_generation{otel_scope_name=\"cuttle\",otel_scope_version=\"0.1.0\"} 2", exposition);
        Assert.False(Listening(first), "the old exporter port still accepts connections");
        Assert.Equal(second, Assert.Single(gw.Server.Telemetry.PrometheusPorts).Value);

        // Telemetry removed by a reload: the exporter stops listening.
        await ReloadAsync(gw, $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/items/{id}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/item/{id}" } ] } ] }
            """);
        Assert.False(Listening(second));
    }

    [Fact]
    public async Task Two_hundred_reloads_that_move_the_exporter_leave_no_threads_or_descriptors_behind()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        int[] ports = [TestPorts.Closed(), TestPorts.Closed()];
        await using var gw = await GatewayHarness.StartAsync(PrometheusExporterTests.Config(backend.Url, ports[0]));
        for (var i = 0; i < 10; i++)
        {
            await ReloadAsync(gw, PrometheusExporterTests.Config(backend.Url, ports[(i + 1) % 2]));
            await gw.Client.GetAsync("/items/1");
        }
        var fdsBefore = Directory.GetFiles("/proc/self/fd").Length;
        var threadsBefore = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;

        for (var i = 0; i < 200; i++)
        {
            await ReloadAsync(gw, PrometheusExporterTests.Config(backend.Url, ports[(i + 1) % 2]));
            Assert.True((await gw.Client.GetAsync("/items/1")).IsSuccessStatusCode);
        }
        Assert.Contains("http_server_duration_count", await PrometheusExporterTests.ScrapeAsync(ports[0]));

        await Task.Delay(500); // retired generations drain in the background
        var fdsAfter = Directory.GetFiles("/proc/self/fd").Length;
        Assert.True(fdsAfter <= fdsBefore + 40, $"{fdsBefore} -> {fdsAfter} open descriptors");
        var threadsAfter = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        Assert.InRange(threadsAfter, 0, threadsBefore + 40);
    }
}
