using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Cuttle.Gateway.Telemetry.OpenTelemetry;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Telemetry.OpenTelemetry;

/// <summary>
/// The gateway's own sampling decision (krakend-otel's ParentBased(TraceIDRatioBased)): an unsampled request creates
/// no Activity at all and still hands its backend a traceparent; a sampled one gets the server span and its children.
/// The listener samples as the SDK does (an unsampled Activity is still created, "propagation only"), so a layer that
/// asked the ActivitySource for an unsampled request's span would show up here.
/// </summary>
public sealed partial class TraceSamplingTests : IDisposable
{
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";

    private readonly ConcurrentQueue<Activity> _started = new();
    private readonly ActivityListener _listener;
    private readonly string _prefix = "/s" + Guid.NewGuid().ToString("N")[..8]; // other tests may run at the same time
    private double _rate = 1;

    public TraceSamplingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TelemetryNames.Source,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                TraceSampling.ShouldSample(_rate, o.Parent, o.TraceId) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
            ActivityStarted = a => _started.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [GeneratedRegex("^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$")]
    private static partial Regex TraceParentPattern();

    private Activity[] Mine => [.. _started.Where(a => a.DisplayName.StartsWith(_prefix, StringComparison.Ordinal))];

    private async Task<(string TraceId, string SpanId, string Flags, Dictionary<string, string> Headers)> ServeAsync(double rate, params (string, string)[] headers)
    {
        _rate = rate;
        var backend = new InMemoryBackend(_ => Json("""{"ok":true}"""));
        var json = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "{{_prefix}}/items/{id}", "backend": [ { "host": ["http://backend.test"], "url_pattern": "{{_prefix}}/b/{id}" } ] } ],
              "extra_config": { "telemetry/opentelemetry": { "trace_sample_rate": {{rate.ToString(CultureInfo.InvariantCulture)}} } } }
            """;
        await using var generation = Build(json, backend);
        Assert.Equal(200, (await Serve(generation, "GET", _prefix + "/items/1", headers)).Status);
        var seen = Assert.Single(backend.Received).Headers;
        var match = TraceParentPattern().Match(seen["traceparent"]);
        Assert.True(match.Success, seen["traceparent"]);
        return (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value, seen);
    }

    [Fact]
    public async Task An_unsampled_client_parent_starts_no_activity_and_the_backend_gets_its_trace_id_a_new_span_id_and_flag_00()
    {
        var (traceId, spanId, flags, headers) = await ServeAsync(0.5, ("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-00"), ("tracestate", "vendor=x"));

        Assert.Empty(Mine);
        Assert.Equal(ClientTraceId, traceId);
        Assert.NotEqual(ClientSpanId, spanId);
        Assert.NotEqual("0000000000000000", spanId);
        Assert.Equal("00", flags);
        Assert.Equal("vendor=x", headers["tracestate"]);
    }

    [Fact]
    public async Task A_rate_that_samples_no_root_starts_no_activity_and_the_backend_gets_a_fresh_unsampled_trace()
    {
        var first = await ServeAsync(1e-12);
        var second = await ServeAsync(1e-12);

        Assert.Empty(Mine);
        Assert.Equal(("00", "00"), (first.Flags, second.Flags));
        Assert.NotEqual(first.TraceId, second.TraceId);
        Assert.NotEqual(new string('0', 32), first.TraceId);
    }

    [Fact]
    public async Task A_sampled_client_parent_is_honoured_whatever_the_ratio_and_the_backend_continues_the_client_span()
    {
        var (traceId, spanId, flags, _) = await ServeAsync(1e-12, ("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01"));

        var spans = Mine;
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal((ClientTraceId, ClientSpanId), (server.TraceId.ToHexString(), server.ParentSpanId.ToHexString()));
        Assert.True(server.Recorded);
        var client = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        Assert.All(spans, s => Assert.Equal(ClientTraceId, s.TraceId.ToHexString()));
        Assert.Equal((ClientTraceId, client.SpanId.ToHexString(), "01"), (traceId, spanId, flags));
    }

    [Fact]
    public async Task Rate_0_and_rate_1_are_krakend_otels_always_sample_even_under_an_unsampled_client_parent()
    {
        foreach (var rate in new[] { 0.0, 1.0 })
        {
            var (traceId, _, flags, _) = await ServeAsync(rate, ("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-00"));
            Assert.Equal((ClientTraceId, "01"), (traceId, flags));
        }
        Assert.Equal(2, Mine.Count(s => s.Kind == ActivityKind.Server && s.Recorded));
    }

    [Fact]
    public async Task A_sampled_root_keeps_the_trace_id_the_gateway_decided_on()
    {
        // At 0.5 about half the roots are sampled; every sampled one must be sampled by the ratio of its own trace id.
        for (var i = 0; i < 40; i++) await ServeAsync(0.5);
        var servers = Mine.Where(s => s.Kind == ActivityKind.Server).ToArray();
        Assert.NotEmpty(servers);
        Assert.All(servers, s =>
        {
            Assert.True(s.Recorded);
            Assert.True(TraceSampling.ShouldSample(0.5, default, s.TraceId), s.TraceId.ToHexString());
        });
    }

    [Theory]
    [InlineData("7ffffffffffffffe", 0.5, true)] // (x >> 1) = 2^62 - 1 < 0.5 × 2^63
    [InlineData("8000000000000000", 0.5, false)] // (x >> 1) = 2^62: not below
    [InlineData("0000000000000001", 1e-18, true)]
    [InlineData("ffffffffffffffff", 0.999, false)]
    public void The_ratio_is_gos_TraceIDRatioBased_on_the_last_eight_bytes(string low, double rate, bool sampled)
    {
        // The first eight bytes are the opposite extreme, so a sampler reading them (.NET's) would decide the other way.
        var high = sampled ? "ffffffffffffffff" : "0000000000000000";
        var traceId = ActivityTraceId.CreateFromString(high + low);
        Assert.Equal(sampled, TraceSampling.ShouldSample(rate, default, traceId));
        Assert.Equal(sampled, TraceSampling.ShouldSample(rate, false, false, ulong.Parse(low, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_parent_decides_between_0_and_1_and_nothing_does_outside()
    {
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        Assert.False(TraceSampling.ShouldSample(0.999, parent, parent.TraceId));
        Assert.True(TraceSampling.ShouldSample(1e-18, new ActivityContext(parent.TraceId, parent.SpanId, ActivityTraceFlags.Recorded, isRemote: true), parent.TraceId));
        Assert.True(TraceSampling.ShouldSample(0, parent, parent.TraceId));
        Assert.True(TraceSampling.ShouldSample(1, parent, parent.TraceId));
    }

    public void Dispose() => _listener.Dispose();
}
