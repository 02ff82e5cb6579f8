using System.Net;
using System.Net.Sockets;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenCensus;

/// <summary>
/// telemetry/opencensus's jaeger exporter through the real gateway: the collector receives binary-Thrift batches
/// (decoded here by an independent reader) and the agent compact-Thrift emitBatch datagrams, with the service name
/// of the config and the router (server), pipe and backend spans of one request linked parent to child.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))] // spans of any other gateway running telemetry would reach this collector
public sealed class JaegerExporterTests
{
    private static string Config(string backendUrl, string jaeger, string layers = "") => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "/items/{id}", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/item/{id}" } ] } ],
          "extra_config": { "telemetry/opencensus": { "sample_rate": 100, "reporting_period": 1, {{layers}}
            "exporters": { "jaeger": {{jaeger}} } } } }
        """;

    [Fact]
    public async Task The_collector_gets_a_thrift_batch_with_the_service_name_and_the_spans_of_one_request_linked()
    {
        await using var collector = await FakeCollector.StartAsync();
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var jaeger = $$"""{ "endpoint": "http://127.0.0.1:{{collector.Port}}/api/traces", "service_name": "krakend", "buffer_max_count": 1000 }""";
        await using (var gw = await GatewayHarness.StartAsync(Config(backend.Url, jaeger)))
        {
            Assert.True((await gw.Client.GetAsync("/items/42")).IsSuccessStatusCode);
        } // disposing the server flushes the batch processor

        var posts = collector.Posts.ToArray();
        Assert.NotEmpty(posts);
        Assert.All(posts, p => Assert.Equal(("/api/traces", "application/x-thrift"), (p.Path, p.ContentType)));
        var batches = posts.Select(p => JaegerBatch.From(new ThriftReader(p.Body, compact: false).ReadStruct())).ToArray();
        Assert.All(batches, b => Assert.Equal("krakend", b.ServiceName));
        Assert.All(batches, b => Assert.Empty(b.ProcessTags));
        var spans = batches.SelectMany(b => b.Spans).ToArray();

        var server = Assert.Single(spans, s => s.OperationName == "Recv./items/42");
        Assert.Equal(0, server.ParentSpanId);
        var proxy = Assert.Single(spans, s => s.OperationName == "/items/:id");
        Assert.Equal(server.SpanId, proxy.ParentSpanId);
        var stage = Assert.Single(spans, s => s.OperationName == "/item/:id");
        Assert.Equal(proxy.SpanId, stage.ParentSpanId);
        var client = Assert.Single(spans, s => s.OperationName == "Sent./item/:id");
        Assert.Equal(stage.SpanId, client.ParentSpanId);
        Assert.All(spans, s => Assert.Equal(server.TraceId, s.TraceId));
        Assert.All(spans, s => Assert.Equal(1, s.Flags)); // sampled
        Assert.All(spans, s => Assert.Equal((3, (object)0L), s.Tags["status.code"])); // LONG
        Assert.All(spans, s => Assert.Equal((0, (object)""), s.Tags["status.message"])); // STRING
        Assert.NotEqual(0, server.TraceIdHigh);
        Assert.True(server.Duration >= client.Duration && client.Duration > 0);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        Assert.InRange(server.StartTime, now - 60_000_000, now); // microseconds since the epoch
        Assert.InRange(client.StartTime, server.StartTime, server.StartTime + server.Duration);
        Assert.Equal((3, (object)200L), client.Tags["http.response.status_code"]); // a typed (LONG) attribute
        Assert.Equal($"00-{server.TraceId}-{client.SpanId:x16}-01", backend.Requests.Single().Headers["traceparent"]);
    }

    [Fact]
    public async Task Enabled_layers_leave_out_the_pipe_spans_and_the_agent_gets_compact_emitBatch_datagrams()
    {
        using var agent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)agent.Client.LocalEndPoint!).Port;
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var jaeger = $$"""{ "agent_endpoint": "127.0.0.1:{{port}}" }""";
        await using (var gw = await GatewayHarness.StartAsync(Config(backend.Url, jaeger, """ "enabled_layers": { "router": true, "backend": true }, """)))
        {
            Assert.True((await gw.Client.GetAsync("/items/7")).IsSuccessStatusCode);
        }

        var spans = new List<JaegerSpan>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (spans.Count < 3)
        {
            var datagram = await agent.ReceiveAsync(timeout.Token);
            var reader = new ThriftReader(datagram.Buffer, compact: true);
            var (name, type, _) = reader.ReadCompactMessageBegin();
            Assert.Equal(("emitBatch", 4), (name, type)); // ONEWAY
            var args = reader.ReadStruct();
            Assert.Equal(datagram.Buffer.Length, reader.Position);
            var batch = JaegerBatch.From((Dictionary<short, object>)args[1]);
            Assert.Equal("OpenCensus", batch.ServiceName); // the Go exporter's name when service_name is empty
            spans.AddRange(batch.Spans);
        }
        var server = Assert.Single(spans, s => s.OperationName == "Recv./items/7");
        Assert.DoesNotContain(spans, s => s.OperationName == "/items/:id"); // enabled_layers.pipe left out: false
        var stage = Assert.Single(spans, s => s.OperationName == "/item/:id");
        Assert.Equal(server.SpanId, stage.ParentSpanId);
        Assert.Equal(stage.SpanId, Assert.Single(spans, s => s.OperationName == "Sent./item/:id").ParentSpanId);
    }
}
