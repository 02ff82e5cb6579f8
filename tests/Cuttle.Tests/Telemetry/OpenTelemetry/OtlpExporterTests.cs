using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenTelemetry;

/// <summary>telemetry/opentelemetry's OTLP exporter: the spans of one request reach a collector with KrakenD's structure.</summary>
[Collection(nameof(ProcessWideMeasurements))] // spans of any other gateway running telemetry would reach this collector
public sealed class OtlpExporterTests
{
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";

    private static string Config(string backendUrl, int otlpPort, string extra = "") => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "/items/{id}", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/item/{id}", "disable_host_sanitize": true } ] } ],
          "extra_config": { "telemetry/opentelemetry": { {{extra}}
            "exporters": { "otlp": [ { "name": "collector", "host": "127.0.0.1", "port": {{otlpPort}}, "use_http": true, "disable_metrics": true } ] } } } }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_request_gives_a_server_span_with_proxy_backend_and_client_children_and_the_backend_continues_the_trace(bool sockets)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        // A plain http:// host goes through the own HTTP/1.1 client; one with user info stays on SocketsHttpHandler.
        var backendUrl = sockets ? backend.Url.Replace("http://", "http://user:pw@", StringComparison.Ordinal) : backend.Url;
        await using (var gw = await GatewayHarness.StartAsync(Config(backendUrl, receiver.Port)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/items/42");
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
            var response = await gw.Client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode);
        } // disposing the server flushes the batch processor

        var spans = receiver.Spans.ToArray();
        var server = Assert.Single(spans, s => s.Name == "/items/42");
        Assert.Equal(2, server.Kind); // SPAN_KIND_SERVER
        Assert.Equal(ClientTraceId, server.TraceId);
        Assert.Equal(ClientSpanId, server.ParentSpanId);
        var proxy = Assert.Single(spans, s => s.Name == "/items/:id");
        Assert.Equal(server.SpanId, proxy.ParentSpanId);
        var stages = spans.Where(s => s.Name == "/item/:id").ToArray();
        Assert.Equal(2, stages.Length);
        var backendStage = Assert.Single(stages, s => s.ParentSpanId == proxy.SpanId);
        var client = Assert.Single(stages, s => s.ParentSpanId == backendStage.SpanId);
        Assert.Equal(3, client.Kind); // SPAN_KIND_CLIENT
        Assert.All(spans, s => Assert.Equal(ClientTraceId, s.TraceId));

        var seen = Assert.Single(backend.Requests);
        Assert.Equal($"00-{ClientTraceId}-{client.SpanId}-01", seen.Headers["traceparent"]);
    }

    [Fact]
    public async Task Over_gRPC_the_spans_of_one_request_arrive_with_their_structure_and_the_metrics_follow()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var config = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/grpc/{id}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/item/{id}" } ] } ],
              "extra_config": { "telemetry/opentelemetry": { "metric_reporting_period": 1,
                "exporters": { "otlp": [ { "name": "collector", "host": "127.0.0.1", "port": {{receiver.Port}} } ] } } } }
            """;
        await using (var gw = await GatewayHarness.StartAsync(config))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/grpc/42");
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
            Assert.True((await gw.Client.SendAsync(request)).IsSuccessStatusCode);
        } // disposing the server flushes the batch processor and the metric reader

        Assert.Contains(receiver.Calls, c => c == "HTTP/2 application/grpc /opentelemetry.proto.collector.trace.v1.TraceService/Export");
        var spans = receiver.Spans.Where(s => s.TraceId == ClientTraceId).ToArray();
        var server = Assert.Single(spans, s => s.Name == "/grpc/42");
        Assert.Equal((2, ClientSpanId), (server.Kind, server.ParentSpanId));
        var proxy = Assert.Single(spans, s => s.Name == "/grpc/:id");
        Assert.Equal(server.SpanId, proxy.ParentSpanId);
        var backendStage = Assert.Single(spans, s => s.Name == "/item/:id" && s.ParentSpanId == proxy.SpanId);
        var client = Assert.Single(spans, s => s.Name == "/item/:id" && s.ParentSpanId == backendStage.SpanId);
        Assert.Equal(3, client.Kind);
        Assert.Equal($"00-{ClientTraceId}-{client.SpanId}-01", Assert.Single(backend.Requests).Headers["traceparent"]);

        Assert.Contains(receiver.Calls, c => c == "HTTP/2 application/grpc /opentelemetry.proto.collector.metrics.v1.MetricsService/Export");
        Assert.Contains("http.server.duration", receiver.MetricNames);
        Assert.Contains("krakend.proxy.duration", receiver.MetricNames);
    }

    [Fact]
    public async Task An_unreachable_collector_neither_fails_nor_slows_requests()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, TestPorts.Closed()));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 200; i++) Assert.True((await gw.Client.GetAsync($"/items/{i}")).IsSuccessStatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"200 requests took {watch.Elapsed}");
    }
}
