using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Cuttle.Gateway.Telemetry.OpenTelemetry;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenTelemetry;

/// <summary>
/// telemetry/opentelemetry's layers.backend detailed_connection (krakend-otel http/client): through the real gateway
/// to real backends on 127.0.0.1 named "localhost" (so a lookup happens), on both backend clients, the first request
/// of a connection carries its get-conn, dns and tls durations on the client span and in the
/// http.client.request.*.duration histograms, and the next request on the kept-alive connection shows no lookup and
/// no handshake. Observed in process with an ActivityListener and a MeterListener.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))] // the listeners see every gateway of the process
public sealed class DetailedConnectionTests : IDisposable
{
    private readonly TestCertificates _pki = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Route)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly string _prefix = "/dc" + Guid.NewGuid().ToString("N")[..8];

    public DetailedConnectionTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TelemetryNames.Source) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<double>((i, value, tags, _) =>
        {
            string? route = null;
            foreach (var t in tags) if (t.Key == "krakend.endpoint.route") route = t.Value as string;
            _measurements.Enqueue((i.Name, value, route));
        });
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TelemetryNames.Source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_activities);
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
        _pki.Dispose();
    }

    public static TheoryData<string, bool> Cases => new() { { "lean", false }, { "lean", true }, { "sockets", false }, { "sockets", true } };

    private string Config(string backendUrl, string backendLayer, string backendOwn = "") => $$"""
        { "version": 3, "client_tls": { "ca_certs": ["{{_pki.CaPem.Replace("\\", "\\\\", StringComparison.Ordinal)}}"] },
          "endpoints": [ { "endpoint": "{{_prefix}}/items", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/item", "disable_host_sanitize": true {{backendOwn}} } ] } ],
          "extra_config": { "telemetry/opentelemetry": { "trace_sample_rate": 1, "layers": { "backend": {{backendLayer}} } } } }
        """;

    /// <summary>The backend's URL by name; user info keeps a backend on SocketsHttpHandler (the own client takes none).</summary>
    private static string Url(string url, string transport)
    {
        var named = url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        return transport == "sockets" ? named.Replace("://", "://user:pw@", StringComparison.Ordinal) : named;
    }

    private const string BothOn = """
        { "metrics": { "round_trip": true, "detailed_connection": true }, "traces": { "round_trip": true, "detailed_connection": true } }
        """;

    /// <summary>Two sequential requests through one gateway; the client spans of this test's endpoint, oldest first.</summary>
    private async Task<Activity[]> TwoRequestsAsync(string json)
    {
        await using (var gw = await GatewayHarness.StartAsync(json))
        {
            for (var i = 0; i < 2; i++)
            {
                using var response = await gw.Client.GetAsync(_prefix + "/items");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        return [.. _spans.Where(s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("krakend.endpoint.route"), _prefix + "/items")).OrderBy(s => s.StartTimeUtc)];
    }

    private double[] Recorded(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument && m.Route == _prefix + "/items").Select(m => m.Value)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_first_request_shows_the_lookup_and_handshake_and_the_kept_alive_second_shows_neither(string transport, bool tls)
    {
        await using var plain = tls ? null : await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var secure = tls ? await TlsBackend.StartAsync(_pki.Server) : null;
        var spans = await TwoRequestsAsync(Config(Url(tls ? secure!.Url : plain!.Url, transport), BothOn));

        Assert.Equal(2, spans.Length);
        var (first, second) = (spans[0], spans[1]);
        Assert.True((double)first.GetTagItem("get-conn-duration")! > 0, "a new connection takes time to get");
        Assert.True((double)first.GetTagItem("dns-duration")! > 0, "localhost was looked up");
        Assert.Equal(tls, (double)first.GetTagItem("tls-duration")! > 0);
        Assert.Equal(0.0, second.GetTagItem("dns-duration"));
        Assert.Equal(0.0, second.GetTagItem("tls-duration"));
        Assert.True((double)second.GetTagItem("get-conn-duration")! < (double)first.GetTagItem("get-conn-duration")!, "an idle connection is quicker to get than a dial");
        foreach (var span in spans)
        {
            var firstByte = Assert.Single(span.Events, e => e.Name == "first-byte-time");
            Assert.InRange(firstByte.Timestamp.UtcDateTime, span.StartTimeUtc, span.StartTimeUtc + span.Duration);
        }
        if (tls) Assert.Equal(1, secure!.Handshakes); // the second request did come on the kept-alive connection

        var dns = Recorded("http.client.request.dns.duration");
        Assert.Equal(2, dns.Length);
        Assert.True(dns[0] > 0);
        Assert.Equal(0, dns[1]);
        var handshakes = Recorded("http.client.request.tls.duration");
        Assert.Equal(2, handshakes.Length);
        Assert.Equal(tls, handshakes[0] > 0);
        Assert.Equal(0, handshakes[1]);
        var getConn = Recorded("http.client.request.get-conn.duration");
        Assert.Equal(2, getConn.Length);
        Assert.True(getConn[0] > getConn[1]);
    }

    [Theory]
    [InlineData("lean")]
    [InlineData("sockets")]
    public async Task Each_block_switches_its_own_detail_and_off_gives_none(string transport)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var metricsOnly = """
            { "metrics": { "round_trip": true, "detailed_connection": true }, "traces": { "round_trip": true, "detailed_connection": false } }
            """;
        var spans = await TwoRequestsAsync(Config(Url(backend.Url, transport), metricsOnly));
        Assert.Equal(2, spans.Length);
        Assert.All(spans, s => Assert.Null(s.GetTagItem("dns-duration")));
        Assert.All(spans, s => Assert.Empty(s.Events));
        Assert.Equal(2, Recorded("http.client.request.get-conn.duration").Length);
        Assert.Equal(2, Recorded("http.client.duration").Length); // the round trip itself is still measured

        _spans.Clear();
        _measurements.Clear();
        var tracesOnly = """
            { "metrics": { "round_trip": true, "detailed_connection": false }, "traces": { "round_trip": true, "detailed_connection": true } }
            """;
        spans = await TwoRequestsAsync(Config(Url(backend.Url, transport), tracesOnly));
        Assert.All(spans, s => Assert.NotNull(s.GetTagItem("get-conn-duration")));
        Assert.Empty(Recorded("http.client.request.get-conn.duration"));
        Assert.Empty(Recorded("http.client.request.dns.duration"));

        _spans.Clear();
        _measurements.Clear();
        var off = """
            { "metrics": { "round_trip": true, "detailed_connection": false }, "traces": { "round_trip": true, "detailed_connection": false } }
            """;
        spans = await TwoRequestsAsync(Config(Url(backend.Url, transport), off));
        Assert.Equal(2, spans.Length);
        Assert.All(spans, s => Assert.Null(s.GetTagItem("get-conn-duration")));
        Assert.Empty(Recorded("http.client.request.tls.duration"));
        Assert.Equal(2, Recorded("http.client.duration").Length);
    }

    [Theory]
    [InlineData("lean")]
    [InlineData("sockets")]
    public async Task A_backends_own_block_turns_it_on_where_the_service_has_it_off(string transport)
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var off = """
            { "metrics": { "round_trip": true, "detailed_connection": false }, "traces": { "round_trip": true, "detailed_connection": false } }
            """;
        var own = $$""", "extra_config": { "telemetry/opentelemetry": { "backend": {{BothOn}} } }""";
        var spans = await TwoRequestsAsync(Config(Url(backend.Url, transport), off, own));

        Assert.Equal(2, spans.Length);
        Assert.True((double)spans[0].GetTagItem("dns-duration")! > 0);
        Assert.Equal(0.0, spans[1].GetTagItem("dns-duration"));
        Assert.Equal(2, Recorded("http.client.request.dns.duration").Length);
    }
}
