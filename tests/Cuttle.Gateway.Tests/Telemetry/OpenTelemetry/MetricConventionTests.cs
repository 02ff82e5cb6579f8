using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Telemetry.OpenTelemetry;
using Microsoft.AspNetCore.Http;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Telemetry.OpenTelemetry;

/// <summary>
/// layers.global.semantic_convention in a compiled generation (krakend-otel http/server/metrics.go and
/// http/client/transport_metrics.go): the instruments each request is measured on, their units and attributes.
/// </summary>
public sealed class MetricConventionTests : IDisposable
{
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly MeterListener _meters = new();
    private readonly string _prefix = "/s" + Guid.NewGuid().ToString("N")[..8]; // other tests may run at the same time

    private sealed record Measurement(string Instrument, string? Unit, double Value, Dictionary<string, object?> Tags);

    public MetricConventionTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TelemetryNames.Source) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _meters.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>();
        foreach (var t in tags) d[t.Key] = t.Value;
        _measurements.Enqueue(new Measurement(instrument.Name, instrument.Unit, value, d));
    }

    /// <summary>This test's measurements (its own endpoint prefix) by instrument name.</summary>
    private Dictionary<string, List<Measurement>> Mine()
    {
        var mine = new Dictionary<string, List<Measurement>>();
        foreach (var m in _measurements)
        {
            var route = m.Tags.GetValueOrDefault("krakend.endpoint.route") ?? m.Tags.GetValueOrDefault("http.route");
            if (route is not string r || !r.StartsWith(_prefix, StringComparison.Ordinal)) continue;
            if (!mine.TryGetValue(m.Instrument, out var list)) mine[m.Instrument] = list = [];
            list.Add(m);
        }
        return mine;
    }

    private Generation Build(string global, string backendMetrics = "{\"round_trip\": true}", string inputHeaders = "[]")
    {
        var json = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "{{_prefix}}/items/{id}", "method": "POST", "input_headers": {{inputHeaders}},
                "backend": [ { "host": ["http://backend.test:8080"], "url_pattern": "{{_prefix}}/b/{id}" } ] } ],
              "extra_config": { "telemetry/opentelemetry": { "layers": { "global": {{global}}, "backend": { "metrics": {{backendMetrics}} } } } } }
            """;
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = new InMemoryBackend(_ => Json("""{"ok":true}""")) });
    }

    private async Task PostAsync(Generation generation, string body)
    {
        var context = new DefaultHttpContext { Connection = { RemoteIpAddress = System.Net.IPAddress.Loopback } };
        context.Request.Method = "POST";
        context.Request.Path = _prefix + "/items/1";
        context.Request.Headers.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Response.Body = new MemoryStream();
        await generation.HandleAsync(context);
        await context.Response.CompleteAsync();
        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task Under_1_27_the_server_and_backend_requests_are_measured_under_semconvs_names_and_units()
    {
        await using var generation = Build("""{"semantic_convention": "1.27"}""", inputHeaders: """["Content-Length"]""");
        await PostAsync(generation, """{"n":12345}""");
        var m = Mine();

        var duration = Assert.Single(m["http.server.request.duration"]);
        Assert.Equal("s", duration.Unit);
        // The attributes do not change with the convention.
        Assert.Equal(("POST", "http", (object)200, _prefix + "/items/:id"),
            (duration.Tags["http.request.method"], duration.Tags["url.scheme"], duration.Tags["http.response.status_code"], duration.Tags["http.route"]));
        var size = Assert.Single(m["http.server.response.body.size"]);
        Assert.Equal("By", size.Unit);
        Assert.Equal(duration.Tags, size.Tags);

        var client = Assert.Single(m["http.client.request.duration"]);
        Assert.Equal("s", client.Unit);
        Assert.Equal(("POST", "backend.test", (object)8080, (object)200),
            (client.Tags["http.request.method"], client.Tags["server.address"], client.Tags["server.port"], client.Tags["http.response.status_code"]));
        Assert.Equal("By", Assert.Single(m["http.client.response.body.size"]).Unit);
        // The request body size is the Content-Length the backend request carries (forwarded by input_headers here).
        var requestBody = Assert.Single(m["http.client.request.body.size"]);
        Assert.Equal(("By", 11d), (requestBody.Unit, requestBody.Value));

        // krakend-otel's own instruments are on its no-op meter without detailed_connection, the old names nowhere.
        string[] absent = ["http.server.duration", "http.server.response.size", "http.client.duration", "http.client.response.size",
            "http.client.request.started.count", "http.client.response.no-content-length", "http.client.request.dns.duration"];
        Assert.All(absent, name => Assert.False(m.ContainsKey(name), name));
        // The stages keep their krakend.* names.
        Assert.True(m.ContainsKey("krakend.proxy.duration") && m.ContainsKey("krakend.backend.duration"));
    }

    [Fact]
    public async Task Under_1_27_detailed_connection_keeps_krakend_otels_counters_and_gives_its_timings_units()
    {
        await using var generation = Build("""{"semantic_convention": "1.27"}""", """{"round_trip": true, "detailed_connection": true}""");
        await PostAsync(generation, "{}");
        var m = Mine();

        Assert.Null(Assert.Single(m["http.client.request.started.count"]).Unit);
        foreach (var name in new[] { "http.client.request.get-conn.duration", "http.client.request.dns.duration", "http.client.request.tls.duration" })
            Assert.Equal("s", Assert.Single(m[name]).Unit);
        Assert.Equal("s", Assert.Single(m["http.client.request.duration"]).Unit);
        Assert.False(m.ContainsKey("http.client.duration"));
        // Without Content-Length among input_headers the body goes chunked: lura's request has ContentLength 0.
        Assert.Equal(0d, Assert.Single(m["http.client.request.body.size"]).Value);
    }

    [Fact]
    public async Task Without_it_or_with_an_unknown_version_the_default_names_stay_and_1_27s_are_not_used()
    {
        foreach (var global in new[] { "{}", """{"semantic_convention": "1.29"}""" })
        {
            _measurements.Clear();
            await using var generation = Build(global);
            await PostAsync(generation, "{}");
            var m = Mine();

            Assert.Null(Assert.Single(m["http.server.duration"]).Unit);
            Assert.Single(m["http.server.response.size"]);
            Assert.Single(m["http.client.duration"]);
            Assert.Single(m["http.client.request.started.count"]);
            Assert.Single(m["http.client.response.size"]);
            Assert.All(new[] { "http.server.request.duration", "http.server.response.body.size", "http.client.request.duration",
                "http.client.request.body.size", "http.client.response.body.size" }, name => Assert.False(m.ContainsKey(name), name));
        }
        // The same generation builder, a 1.27 generation next to them: the choice is per generation.
        _measurements.Clear();
        await using var semconv = Build("""{"semantic_convention": "1.27"}""");
        await PostAsync(semconv, "{}");
        Assert.True(Mine().ContainsKey("http.server.request.duration"));
    }

    public void Dispose() => _meters.Dispose();
}
