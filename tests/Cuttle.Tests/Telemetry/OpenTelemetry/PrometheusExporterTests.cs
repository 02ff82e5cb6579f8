using System.Diagnostics;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenTelemetry;

/// <summary>telemetry/opentelemetry's Prometheus exporter through the real host, scraped by a real Prometheus.</summary>
[Collection(nameof(ProcessWideMeasurements))] // the Meter is process-wide: another gateway serving the same route would add to the counts
public sealed class PrometheusExporterTests
{
    internal static string Config(string backendUrl, int metricsPort, string extra = "") => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "/items/{id}", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/item/{id}" } ] } ],
          "extra_config": { "telemetry/opentelemetry": { {{extra}}
            "exporters": { "prometheus": [ { "name": "local", "port": {{metricsPort}}, "listen_ip": "127.0.0.1" } ] } } } }
        """;

    internal static async Task<string> ScrapeAsync(int port)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
    }

    [SkippableFact]
    public async Task A_real_Prometheus_scrapes_the_request_count_of_an_endpoint()
    {
        Skip.IfNot(File.Exists(PrometheusServer.Binary), "the prometheus package is not installed");
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var metricsPort = TestPorts.Closed();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, metricsPort));
        const int N = 7;
        for (var i = 0; i < N; i++) Assert.True((await gw.Client.GetAsync($"/items/{i}")).IsSuccessStatusCode);

        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{metricsPort}");
        var count = await prometheus.WaitForAsync("""sum(http_server_duration_count{http_route="/items/:id",http_response_status_code="200"})""", N, TimeSpan.FromSeconds(30));
        Assert.Equal(N, count);
        // The proxy and backend stages and the backend request are counted under KrakenD's names too.
        Assert.Equal(N, await prometheus.WaitForAsync("""sum(krakend_proxy_duration_count{http_route="/items/:id"})""", N, TimeSpan.FromSeconds(30)));
        Assert.Equal(N, await prometheus.WaitForAsync("""sum(krakend_backend_duration_count{http_route="/item/:id",krakend_endpoint_route="/items/:id"})""", N, TimeSpan.FromSeconds(30)));
        Assert.Equal(N, await prometheus.WaitForAsync("""sum(http_client_request_started_count_total{krakend_endpoint_route="/items/:id",http_response_status_code="200"})""", N, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await prometheus.WaitForAsync("cuttle_generation", 1, TimeSpan.FromSeconds(30)));
    }

    [SkippableFact]
    public async Task The_exposition_passes_promtool_check_metrics()
    {
        Skip.IfNot(File.Exists("/usr/bin/promtool"), "the prometheus package is not installed");
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var metricsPort = TestPorts.Closed();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, metricsPort));
        await gw.Client.GetAsync("/items/1");
        await gw.Client.GetAsync("/nowhere");
        var exposition = await ScrapeAsync(metricsPort);
        Assert.Contains("http_server_duration_bucket{", exposition);
        Assert.Contains("http_route=\"404 Not Found\"", exposition);

        var psi = new ProcessStartInfo("/usr/bin/promtool") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("check");
        psi.ArgumentList.Add("metrics");
        using var promtool = Process.Start(psi)!;
        await promtool.StandardInput.WriteAsync(exposition);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, output);
    }

    [Fact]
    public async Task Semantic_convention_1_27_is_scraped_under_semconvs_names_with_their_unit_suffixes()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var metricsPort = TestPorts.Closed();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, metricsPort,
            "\"layers\": {\"global\": {\"semantic_convention\": \"1.27\"}},").Replace("/items/{id}", "/semconv/{id}", StringComparison.Ordinal));
        Assert.True((await gw.Client.GetAsync("/semconv/1")).IsSuccessStatusCode);
        var exposition = await ScrapeAsync(metricsPort);

        Assert.Contains("http_server_request_duration_seconds_bucket{", exposition);
        Assert.Contains("http_server_response_body_size_bytes_bucket{", exposition);
        Assert.Contains("http_client_request_duration_seconds_bucket{", exposition);
        // (No http_client_response_body_size_bytes: the fake backend answers chunked, without a Content-Length to record.)
        Assert.Contains("http_client_request_body_size_bytes_bucket{", exposition);
        // This gateway's requests are not under the default names (the Meter is process-wide: look at its route only).
        Assert.DoesNotContain(exposition.Split('\n'), line => line.StartsWith("http_server_duration", StringComparison.Ordinal) && line.Contains("/semconv/:id", StringComparison.Ordinal));
        Assert.DoesNotContain(exposition.Split('\n'), line => line.StartsWith("http_client_duration", StringComparison.Ordinal) && line.Contains("/semconv/:id", StringComparison.Ordinal));
        // detailed_connection is on by default: krakend-otel's own counters stay, its connection timings now in seconds.
        Assert.Contains(exposition.Split('\n'), line => line.StartsWith("http_client_request_started_count_total{", StringComparison.Ordinal) && line.Contains("/semconv/:id", StringComparison.Ordinal));
        Assert.Contains(exposition.Split('\n'), line => line.StartsWith("http_client_request_dns_duration_seconds_count{", StringComparison.Ordinal) && line.Contains("/semconv/:id", StringComparison.Ordinal));
        Assert.Contains(exposition.Split('\n'), line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && line.Contains("http_route=\"/semconv/:id\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Skip_paths_are_not_measured_and_a_taken_port_leaves_the_gateway_serving()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var metricsPort = TestPorts.Closed();
        await using (var gw = await GatewayHarness.StartAsync(Config(backend.Url, metricsPort, "\"skip_paths\": [\"/items/{id}\"],")))
        {
            await gw.Client.GetAsync("/items/1");
            await gw.Client.GetAsync("/__health");
            var exposition = await ScrapeAsync(metricsPort);
            Assert.DoesNotContain("/items/:id", exposition);
            // /__health is measured once it is no longer in the skip list; as in KrakenD, a built-in endpoint has no route.
            Assert.Contains("http_route=\"200 OK\"", exposition);
        }

        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        await using var gw2 = await GatewayHarness.StartAsync(Config(backend.Url, port));
        Assert.Empty(gw2.Server.Telemetry.PrometheusPorts);
        Assert.True((await gw2.Client.GetAsync("/items/1")).IsSuccessStatusCode);
    }
}
