using System.Net;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Telemetry.Traffic;
using Cuttle.Testing;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Cuttle.Gateway.Tests.Telemetry.Traffic;

/// <summary>
/// What the console's counters cost a request in allocations: nothing beyond the counters themselves. The endpoint's
/// answer is recorded in the caller's frame for the request, not in an async frame of the wrapper's own (about 120 B
/// per request before).
/// </summary>
[Collection(nameof(ProcessWideMeasurements))] // whole-process allocation counts: nothing else may run meanwhile
public sealed class TrafficAllocationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Answers every call with the same small JSON body. It answers asynchronously, as a real backend does, so every
    /// async frame on the way is measured as the box it then is.
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

    private static string Config(string encoding) => $$"""
        { "version": 3, "endpoints": [ { "endpoint": "/items/{id}", "output_encoding": "{{encoding}}",
            "backend": [ { "host": ["http://backend.test"], "url_pattern": "/item/{id}", "encoding": "{{encoding}}" } ] } ] }
        """;

    /// <summary>Bytes the process allocates per request on a generation of <paramref name="json"/>, with or without the console's registry.</summary>
    private static async Task<long> BytesPerRequestAsync(string json, TrafficRegistry? traffic)
    {
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        await using var generation = GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = new FixedBackend(), Traffic = traffic });
        const int Concurrent = 32, Batches = 100;
        var batch = new Task[Concurrent];
        for (var i = 0; i < 20; i++) await BatchAsync(generation, batch);
        return await AllocationProbe.LeastBytesPerOperationAsync(async () =>
        {
            for (var i = 0; i < Batches; i++) await BatchAsync(generation, batch);
        }, Concurrent * Batches);
    }

    /// <summary>Requests in flight together, as under load: an async frame then costs a box the async pools do not cover.</summary>
    private static async Task BatchAsync(Generation generation, Task[] batch)
    {
        for (var i = 0; i < batch.Length; i++) batch[i] = ServeAsync(generation);
        await Task.WhenAll(batch);
    }

    private static async Task ServeAsync(Generation generation)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/items/7";
        context.Response.Body = Stream.Null;
        await generation.HandleAsync(context);
        Assert.Equal(200, context.Response.StatusCode);
    }

    /// <summary>
    /// The no-op endpoint is the console benchmark's case: no backend pipe, so only the endpoint's counters. With the
    /// registry it must allocate what it does without it, within the noise of the thread pool's own work; the async
    /// frame the wrapper had cost about 130-147 B.
    /// (A JSON endpoint's backend counters still cost their pooled async frame when the pool misses.)
    /// </summary>
    [Fact]
    public async Task The_consoles_endpoint_counters_allocate_nothing_per_request()
    {
        var registry = new TrafficRegistry();
        // Interleaved, and compared spread to spread: one generation's figure once differed from the next identical
        // one's by 270 B (the thread pool's growth decides how often the async pools miss).
        var plain = await BytesPerRequestAsync(Config("no-op"), null);
        var counted = await BytesPerRequestAsync(Config("no-op"), registry);
        var plainAgain = await BytesPerRequestAsync(Config("no-op"), null);
        var countedAgain = await BytesPerRequestAsync(Config("no-op"), registry);
        var extra = Math.Min(counted, countedAgain) - Math.Max(plain, plainAgain);
        output.WriteLine($"no-op: without the console {plain} and {plainAgain} B/req; with its counters {counted} and {countedAgain} (+{extra})");
        Assert.True(registry.Endpoints()["GET /items/{id}"].Requests >= 6400, "the endpoint's counter counted the requests");
        Assert.True(extra <= 64, $"with the console's counters a request allocates {extra} B more ({counted}/{countedAgain} vs {plain}/{plainAgain})");
    }
}
