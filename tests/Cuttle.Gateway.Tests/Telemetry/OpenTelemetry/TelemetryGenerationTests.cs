using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Telemetry.OpenTelemetry;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Telemetry.OpenTelemetry;

/// <summary>telemetry/opentelemetry's layers in a compiled generation, observed through a MeterListener and an ActivityListener.</summary>
public sealed class TelemetryGenerationTests : IDisposable
{
    private readonly ConcurrentQueue<(string Instrument, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly string _prefix = "/t" + Guid.NewGuid().ToString("N")[..8]; // other tests may run at the same time

    public TelemetryGenerationTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TelemetryNames.Source) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<double>((i, _, tags, _) => Add(i, tags));
        _meters.SetMeasurementEventCallback<long>((i, _, tags, _) => Add(i, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TelemetryNames.Source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_activities);
    }

    private void Add(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>();
        foreach (var t in tags) d[t.Key] = t.Value;
        _measurements.Enqueue((instrument.Name, d));
    }

    private List<Dictionary<string, object?>> Measured(string instrument, string tag, string value) =>
        [.. _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(tag), value)).Select(m => m.Tags)];

    private static Generation Build(string endpoints, string telemetry = "{}", Gateway.Telemetry.Traffic.TrafficRegistry? traffic = null)
    {
        var json = $$"""{ "version": 3, "endpoints": [ {{endpoints}} ], "extra_config": { "telemetry/opentelemetry": {{telemetry}} } }""";
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = new InMemoryBackend(_ => Json("""{"ok":true}""")), Traffic = traffic });
    }

    private string Endpoint(string path, string extra = "", string backendExtra = "") =>
        $$"""{ "endpoint": "{{_prefix}}{{path}}", {{extra}} "backend": [ { "host": ["http://backend.test"], "url_pattern": "{{_prefix}}/b/{id}" {{backendExtra}} } ] }""";

    [Fact]
    public async Task Each_layer_is_measured_under_krakend_otels_names_and_tags()
    {
        await using var generation = Build(Endpoint("/items/{id}"));
        Assert.Equal(200, (await Serve(generation, "GET", _prefix + "/items/7")).Status);

        var server = Assert.Single(Measured("http.server.duration", "http.route", _prefix + "/items/:id"));
        Assert.Equal(("GET", "http", (object)200), (server["http.request.method"], server["url.scheme"], server["http.response.status_code"]));
        var proxy = Assert.Single(Measured("krakend.proxy.duration", "http.route", _prefix + "/items/:id"));
        Assert.Equal((false, false, true), ((bool)proxy["error"]!, (bool)proxy["canceled"]!, (bool)proxy["complete"]!));
        var backend = Assert.Single(Measured("krakend.backend.duration", "http.route", _prefix + "/b/:id"));
        Assert.Equal(_prefix + "/items/:id", backend["krakend.endpoint.route"]);
        Assert.Single(Measured("http.client.request.started.count", "krakend.endpoint.route", _prefix + "/items/:id"));

        var spans = _spans.Where(s => s.TraceId == _spans.First(x => x.DisplayName == _prefix + "/items/7").TraceId).ToArray();
        var root = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        var proxySpan = Assert.Single(spans, s => s.DisplayName == _prefix + "/items/:id");
        Assert.Equal(root.SpanId, proxySpan.ParentSpanId);
        Assert.Equal("proxy", proxySpan.GetTagItem("krakend.stage"));
        Assert.Equal(2, spans.Count(s => s.DisplayName == _prefix + "/b/:id"));
    }

    [Fact]
    public async Task The_endpoint_and_backend_overrides_replace_the_services_layer()
    {
        await using var generation = Build(
            Endpoint("/quiet/{id}", "\"extra_config\": {\"telemetry/opentelemetry\": {\"proxy\": {\"disable_metrics\": true, \"disable_traces\": true}}},",
                ", \"extra_config\": {\"telemetry/opentelemetry\": {\"backend\": {\"metrics\": {\"disable_stage\": true}, \"traces\": {\"disable_stage\": true}}}}") + ", " +
            Endpoint("/loud/{id}"));
        await Serve(generation, "GET", _prefix + "/quiet/1");
        await Serve(generation, "GET", _prefix + "/loud/1");

        Assert.Empty(Measured("krakend.proxy.duration", "http.route", _prefix + "/quiet/:id"));
        Assert.Empty(Measured("krakend.backend.duration", "krakend.endpoint.route", _prefix + "/quiet/:id"));
        Assert.Single(Measured("http.server.duration", "http.route", _prefix + "/quiet/:id"));
        Assert.Single(Measured("krakend.proxy.duration", "http.route", _prefix + "/loud/:id"));
        Assert.Single(Measured("krakend.backend.duration", "krakend.endpoint.route", _prefix + "/loud/:id"));
    }

    [Fact]
    public async Task Service_layers_switched_off_and_skip_paths_record_nothing()
    {
        await using var generation = Build(Endpoint("/a/{id}") + ", " + Endpoint("/skipped/{id}"), $$"""
            { "skip_paths": ["{{_prefix}}/skipped/{id}"], "layers": { "global": { "disable_metrics": true }, "proxy": { "disable_metrics": true } } }
            """);
        await Serve(generation, "GET", _prefix + "/a/1");
        await Serve(generation, "GET", _prefix + "/skipped/1");

        Assert.Empty(Measured("http.server.duration", "http.route", _prefix + "/a/:id"));
        Assert.Empty(Measured("krakend.proxy.duration", "http.route", _prefix + "/a/:id"));
        Assert.Single(Measured("krakend.backend.duration", "krakend.endpoint.route", _prefix + "/a/:id"));
        Assert.Empty(Measured("krakend.backend.duration", "krakend.endpoint.route", _prefix + "/skipped/:id"));
        Assert.DoesNotContain(_spans, s => s.DisplayName == _prefix + "/skipped/:id");
    }

    /// <summary>
    /// The live console's counters wrap each route outermost; the global layer still reports the endpoint's pattern
    /// (not the status text of an unmatched request), and the console counts a path the layer skips.
    /// </summary>
    [Fact]
    public async Task With_the_consoles_counters_on_the_server_metric_keeps_the_route_and_both_count()
    {
        var traffic = new Gateway.Telemetry.Traffic.TrafficRegistry();
        await using var generation = Build(Endpoint("/c/{id}") + ", " + Endpoint("/cskipped/{id}"), $$"""{ "skip_paths": ["{{_prefix}}/cskipped/{id}"] }""", traffic);
        Assert.Equal(200, (await Serve(generation, "GET", _prefix + "/c/1")).Status);
        Assert.Equal(200, (await Serve(generation, "GET", _prefix + "/cskipped/1")).Status);

        var server = Assert.Single(Measured("http.server.duration", "http.route", _prefix + "/c/:id"));
        Assert.Equal((object)200, server["http.response.status_code"]);
        Assert.Empty(Measured("http.server.duration", "http.route", _prefix + "/cskipped/:id"));
        var endpoints = traffic.Endpoints();
        Assert.Equal((1, 1), (endpoints["GET " + _prefix + "/c/{id}"].Requests, endpoints["GET " + _prefix + "/c/{id}"].Status2xx));
        Assert.Equal(1, endpoints["GET " + _prefix + "/cskipped/{id}"].Requests);
    }

    [Fact]
    public async Task A_client_traceparent_is_the_parent_of_the_server_span()
    {
        await using var generation = Build(Endpoint("/p/{id}"));
        await Serve(generation, "GET", _prefix + "/p/1", ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

        var server = Assert.Single(_spans, s => s.DisplayName == _prefix + "/p/1");
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", server.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", server.ParentSpanId.ToHexString());
    }

    [Fact]
    public async Task Report_headers_puts_each_layers_headers_on_its_span_but_the_skipped_ones()
    {
        var backend = new InMemoryBackend(_ =>
        {
            var answer = Json("""{"ok":true}""");
            answer.Headers.TryAddWithoutValidation("X-Backend", ["one", "two"]);
            return answer;
        });
        var json = $$"""
            { "version": 3, "endpoints": [
              { "endpoint": "{{_prefix}}/h", "input_headers": ["X-Keep", "X-Skip", "Authorization"],
                "backend": [ { "host": ["http://backend.test"], "url_pattern": "{{_prefix}}/hb" } ] },
              { "endpoint": "{{_prefix}}/plain", "input_headers": ["X-Keep"],
                "extra_config": { "telemetry/opentelemetry": { "proxy": { } } },
                "backend": [ { "host": ["http://backend.test"], "url_pattern": "{{_prefix}}/pb",
                  "extra_config": { "telemetry/opentelemetry": { "backend": { "traces": { "round_trip": true } } } } } ] } ],
              "extra_config": { "telemetry/opentelemetry": { "layers": {
                "global": { "report_headers": true, "skip_headers": ["authorization"] },
                "proxy": { "report_headers": true, "skip_headers": ["x-skip"] },
                "backend": { "traces": { "round_trip": true, "report_headers": true, "skip_headers": ["X-SKIP"] } } } } } }
            """;
        await using var generation = InMemoryBackend.Build(json, backend);
        (string, string)[] headers = [("X-Keep", "k"), ("x-skip", "s"), ("Authorization", "secret")];
        Assert.Equal(200, (await Serve(generation, "GET", _prefix + "/h", headers)).Status);
        Assert.Equal(200, (await Serve(generation, "GET", _prefix + "/plain", headers)).Status);

        var server = Assert.Single(_spans, s => s.DisplayName == _prefix + "/h" && s.Kind == ActivityKind.Server);
        Assert.Equal("k", Values(server, "http.request.header.x-keep"));
        Assert.Equal("s", Values(server, "http.request.header.x-skip"));
        Assert.Null(server.GetTagItem("http.request.header.authorization"));
        Assert.Equal("application/json; charset=utf-8", Values(server, "http.response.header.content-type"));

        var proxy = Assert.Single(_spans, s => s.DisplayName == _prefix + "/h" && s.Kind == ActivityKind.Internal);
        Assert.Equal("k", Values(proxy, "http.request.header.x-keep"));
        Assert.Equal("secret", Values(proxy, "http.request.header.authorization"));
        Assert.Null(proxy.GetTagItem("http.request.header.x-skip"));

        var stage = Assert.Single(_spans, s => s.DisplayName == _prefix + "/hb" && Equals(s.GetTagItem("krakend.stage"), "backend"));
        Assert.Equal("k", Values(stage, "http.request.header.x-keep"));
        Assert.Null(stage.GetTagItem("http.request.header.x-skip"));
        var call = Assert.Single(_spans, s => s.DisplayName == _prefix + "/hb" && s.Kind == ActivityKind.Client);
        Assert.Equal("k", Values(call, "http.request.header.x-keep"));
        Assert.Null(call.GetTagItem("http.request.header.x-skip"));
        Assert.Equal("one|two", Values(call, "http.response.header.x-backend"));

        // The endpoint's and backend's own blocks replace the service's: report_headers is off there.
        var plain = _spans.Where(s => s.DisplayName is var n && (n == _prefix + "/pb" || (n == _prefix + "/plain" && s.Kind != ActivityKind.Server))).ToArray();
        Assert.Equal(3, plain.Length);
        Assert.All(plain, s => Assert.DoesNotContain(s.TagObjects, t => t.Key.StartsWith("http.request.header.", StringComparison.Ordinal)));
    }

    private static string? Values(Activity span, string tag) => span.GetTagItem(tag) is string?[] values ? string.Join("|", values) : null;

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
