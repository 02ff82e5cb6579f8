using System.Net;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway;
using Cuttle.Telemetry.OpenTelemetry;
using Cuttle.Testing;
using Cuttle.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Cuttle.Tests.Telemetry.OpenTelemetry;

/// <summary>
/// What telemetry/opentelemetry costs a request in allocations, through the in-memory backend seam with the real SDK
/// providers (Prometheus and OTLP exporters): an unsampled request pays for no spans and no boxed tag values.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))] // the SDK listens to process-wide sources; no other test may start spans meanwhile
public sealed class TelemetryAllocationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Answers every call with the same small JSON body, allocating the same for every generation measured. It answers
    /// asynchronously, as a real backend does, so that every async frame on the way is measured as the box it then is.
    /// </summary>
    private sealed class FixedBackend : HttpMessageHandler
    {
        private static readonly byte[] Body = """{"ok":true}"""u8.ToArray();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body), RequestMessage = request };
        }
    }

    // The instruments and the ActivitySource are process-wide, so other tests' providers see these requests too: a
    // path of its own keeps them out of their series and spans.
    private static readonly string Prefix = "/alloc" + Guid.NewGuid().ToString("N")[..8];

    private static string Config(string telemetry, string encoding) => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "{{Prefix}}/items/{id}", "output_encoding": "{{encoding}}",
            "backend": [ { "host": ["http://backend.test"], "url_pattern": "/item/{id}", "encoding": "{{encoding}}" } ] } ]
          {{telemetry}} }
        """;

    private static string Telemetry(double rate, string layers = "") => $$"""
        , "extra_config": { "telemetry/opentelemetry": { "service_name": "alloc", "trace_sample_rate": {{rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, {{layers}}
            "exporters": { "prometheus": [ { "name": "p", "port": {{TestPorts.Closed()}}, "listen_ip": "127.0.0.1" } ],
                           "otlp": [ { "name": "c", "host": "127.0.0.1", "port": {{TestPorts.Closed()}}, "disable_metrics": true } ] } } }
        """;

    /// <summary>Bytes the process allocates per request on a generation of <paramref name="json"/>, with its telemetry host applied.</summary>
    private static async Task<long> BytesPerRequestAsync(string json)
    {
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        using var host = new TelemetryHost(NullLoggerFactory.Instance, new ReloadStatusSource(), () => 0);
        host.Apply(loaded.Config!);
        var generation = GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = new FixedBackend() });
        try
        {
            const int Concurrent = 32, Batches = 100;
            var batch = new Task[Concurrent];
            for (var i = 0; i < 20; i++) await BatchAsync(generation, batch);
            // The exporters' own threads (a 5 s OTLP batch, a scrape-only Prometheus listener) add little over 3200 requests.
            return await AllocationProbe.LeastBytesPerOperationAsync(async () =>
            {
                for (var i = 0; i < Batches; i++) await BatchAsync(generation, batch);
            }, Concurrent * Batches);
        }
        finally
        {
            await generation.DisposeAsync();
        }
    }

    private static string Detailed(bool on) => $$"""
        "layers": { "backend": { "metrics": { "round_trip": true, "detailed_connection": {{(on ? "true" : "false")}} },
                                 "traces": { "round_trip": true, "detailed_connection": {{(on ? "true" : "false")}} } } },
        """;

    /// <summary>
    /// layers.backend detailed_connection reads the connection's timings where they already are (the own client's
    /// connection, a weak table entry per SocketsHttpHandler connection): off, a request allocates what it did before
    /// the setting was applied; on, an unsampled request allocates nothing more either (three histogram records on a
    /// stack tag list), and only a sampled span pays for its three attributes and its first-byte event.
    /// </summary>
    [Fact]
    public async Task Detailed_connection_costs_an_unsampled_request_nothing()
    {
        var off = await BytesPerRequestAsync(Config(Telemetry(1e-9, Detailed(on: false)), "no-op"));
        var on = await BytesPerRequestAsync(Config(Telemetry(1e-9, Detailed(on: true)), "no-op"));
        var sampledOff = await BytesPerRequestAsync(Config(Telemetry(1, Detailed(on: false)), "no-op"));
        var sampledOn = await BytesPerRequestAsync(Config(Telemetry(1, Detailed(on: true)), "no-op"));
        output.WriteLine($"detailed_connection unsampled: off {off} B/req, on {on} (+{on - off}); every trace sampled: off {sampledOff}, on {sampledOn} (+{sampledOn - sampledOff})");
        Assert.True(on - off <= 16, $"detailed_connection adds {on - off} B to an unsampled request ({on} vs {off})");
    }

    /// <summary>
    /// Requests in flight together, as under load: an async frame then costs a box, which the async pools (a few per
    /// core) do not cover, where one request at a time would reuse the same pooled one.
    /// </summary>
    private static async Task BatchAsync(Generation generation, Task[] batch)
    {
        for (var i = 0; i < batch.Length; i++) batch[i] = ServeAsync(generation);
        await Task.WhenAll(batch);
    }

    private static async Task ServeAsync(Generation generation)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = Prefix + "/items/7";
        context.Response.Body = Stream.Null;
        await generation.HandleAsync(context);
        Assert.Equal(200, context.Response.StatusCode);
    }

    /// <summary>
    /// A no-op endpoint (global layer and backend request only) and a JSON one (also the proxy and backend stages):
    /// an unsampled request has no Activity at all, only its trace context (one small object) for the backend. The
    /// bounds include what this seam adds and a socket server does not: DefaultHttpContext's feature dictionary, and the
    /// traceparent string the HttpMessageHandler transport needs (the own HTTP/1.1 client writes it from numbers).
    /// With the SDK's propagation-only Activity per request it was about +870 (no-op) and +1100 (JSON).
    /// </summary>
    [Theory]
    [InlineData("no-op", 450)]
    [InlineData("json", 750)]
    public async Task An_unsampled_request_allocates_at_most_a_little_more_than_one_without_telemetry(string encoding, long bound)
    {
        var plain = await BytesPerRequestAsync(Config("", encoding));
        var unsampled = await BytesPerRequestAsync(Config(Telemetry(1e-9), encoding));
        var tenth = await BytesPerRequestAsync(Config(Telemetry(0.1), encoding));
        var all = await BytesPerRequestAsync(Config(Telemetry(1), encoding));
        output.WriteLine($"{encoding}: no telemetry {plain} B/req; unsampled {unsampled} (+{unsampled - plain}); rate 0.1 {tenth} (+{tenth - plain}); rate 1 {all} (+{all - plain})");
        Assert.True(unsampled - plain <= bound, $"an unsampled request allocates {unsampled - plain} B more than without telemetry ({unsampled} vs {plain})");
    }
}
