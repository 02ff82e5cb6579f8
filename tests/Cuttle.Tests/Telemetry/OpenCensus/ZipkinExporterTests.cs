using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenCensus;

/// <summary>telemetry/opencensus's zipkin exporter through the real gateway: JSON v2 spans POSTed to collector_url.</summary>
[Collection(nameof(ProcessWideMeasurements))]
public sealed class ZipkinExporterTests
{
    [Fact]
    public async Task The_collector_gets_json_spans_with_the_service_name_linked_parent_to_child()
    {
        await using var collector = await FakeCollector.StartAsync();
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var config = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/items/{id}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/item/{id}" } ] } ],
              "extra_config": { "telemetry/opencensus": { "sample_rate": 100,
                "exporters": { "zipkin": { "collector_url": "http://127.0.0.1:{{collector.Port}}/api/v2/spans", "service_name": "edge" } } } } }
            """;
        await using (var gw = await GatewayHarness.StartAsync(config))
        {
            Assert.True((await gw.Client.GetAsync("/items/42")).IsSuccessStatusCode);
        }

        var posts = collector.Posts.ToArray();
        Assert.NotEmpty(posts);
        Assert.All(posts, p => Assert.Equal(("/api/v2/spans", "application/json"), (p.Path, p.ContentType?.Split(';')[0])));
        var spans = posts.SelectMany(p => JsonDocument.Parse(p.Body).RootElement.EnumerateArray().Select(e => e.Clone())).ToArray();
        Assert.All(spans, s => Assert.Equal("edge", s.GetProperty("localEndpoint").GetProperty("serviceName").GetString()));
        var server = Assert.Single(spans, s => s.GetProperty("name").GetString() == "/items/42");
        Assert.Equal("SERVER", server.GetProperty("kind").GetString());
        Assert.False(server.TryGetProperty("parentId", out _));
        var proxy = Assert.Single(spans, s => s.GetProperty("name").GetString() == "/items/:id");
        Assert.Equal(server.GetProperty("id").GetString(), proxy.GetProperty("parentId").GetString());
        var stages = spans.Where(s => s.GetProperty("name").GetString() == "/item/:id").ToArray();
        var stage = Assert.Single(stages, s => s.GetProperty("parentId").GetString() == proxy.GetProperty("id").GetString());
        var client = Assert.Single(stages, s => s.GetProperty("parentId").GetString() == stage.GetProperty("id").GetString());
        Assert.Equal("CLIENT", client.GetProperty("kind").GetString());
        Assert.All(spans, s => Assert.Equal(server.GetProperty("traceId").GetString(), s.GetProperty("traceId").GetString()));
        Assert.Equal("200", client.GetProperty("tags").GetProperty("http.response.status_code").GetString());
    }
}
