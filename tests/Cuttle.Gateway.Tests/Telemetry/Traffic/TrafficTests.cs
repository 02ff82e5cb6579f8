using System.Net;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Telemetry.Traffic;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Telemetry.Traffic;

/// <summary>The console's counters: the meter's histogram, and their wiring into a generation (only when asked for).</summary>
public sealed class TrafficTests
{
    [Fact]
    public void Buckets_AreOrdered_AndEachLatencyFallsInsideItsBucket()
    {
        var previous = -1L;
        for (var i = 0; i < TrafficMeter.Buckets - 1; i++)
        {
            Assert.True(TrafficMeter.UpperBound(i) >= previous, $"bucket {i} bound {TrafficMeter.UpperBound(i)} < {previous}");
            previous = TrafficMeter.UpperBound(i);
        }
        foreach (var us in new long[] { 0, 1, 2, 3, 7, 100, 999, 1000, 1500, 123_456, 10_000_000 })
        {
            var b = TrafficMeter.Bucket(us);
            Assert.True(us <= TrafficMeter.UpperBound(b), $"{us} µs above its bucket {b}'s bound {TrafficMeter.UpperBound(b)}");
            if (b > 0) Assert.True(us > TrafficMeter.UpperBound(b - 1), $"{us} µs belongs below bucket {b}");
            // Half-octave buckets: the bound overstates a latency by at most about half.
            if (us >= 10) Assert.True(TrafficMeter.UpperBound(b) <= us * 1.5 + 1, $"{us} µs reported as {TrafficMeter.UpperBound(b)}");
        }
    }

    [Fact]
    public void Percentiles_And_AnIntervalsFigures_ComeFromTwoSnapshots()
    {
        var meter = new TrafficMeter();
        for (var i = 0; i < 90; i++) meter.RecordStatus(200, 1000);
        var before = meter.Snapshot();
        for (var i = 0; i < 90; i++) meter.RecordStatus(200, 100);
        for (var i = 0; i < 10; i++) meter.RecordStatus(502, 50_000);
        meter.RecordStatus(429, 10);
        var after = meter.Snapshot();

        Assert.Equal(191, after.Requests);
        Assert.Equal(10, after.Errors);
        Assert.Equal(1, after.Status429);
        var window = after.Minus(before);
        Assert.Equal(101, window.Requests);
        Assert.Equal(10, window.Status5xx);
        Assert.InRange(window.Percentile(0.5), 100, 150);
        Assert.InRange(window.Percentile(0.99), 50_000, 75_000);
        Assert.Equal(0, TrafficSnapshot.Zero.Percentile(0.5));
    }

    private static Generation Build(TrafficRegistry? traffic, InMemoryBackend backend, long number = 1)
    {
        var json = """
            { "version": 3, "endpoints": [ { "endpoint": "/e/{id}", "backend": [
                { "host": ["http://backend.test"], "url_pattern": "/u/{id}" },
                { "host": ["http://backend.test"], "url_pattern": "/fail" } ] } ] }
            """;
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = backend, Traffic = traffic, Number = number });
    }

    private static InMemoryBackend Backend() => new(r => r.Url.AbsolutePath == "/fail" ? Json("{}", HttpStatusCode.InternalServerError) : Json("""{"a":1}"""));

    [Fact]
    public async Task WithARegistry_EveryEndpointAndBackendIsCounted_AndAReloadKeepsTheNumbers()
    {
        var registry = new TrafficRegistry();
        await using (var generation = Build(registry, Backend()))
        {
            for (var i = 0; i < 5; i++) await Serve(generation, "GET", $"/e/{i}");
        }
        Assert.Equal(5, registry.Endpoints()["GET /e/{id}"].Requests);
        Assert.Equal(5, registry.Endpoints()["GET /e/{id}"].Status2xx);
        Assert.Equal(5, registry.Backends()["GET /e/{id} #0"].Requests);
        Assert.Equal(0, registry.Backends()["GET /e/{id} #0"].Errors);
        Assert.Equal(5, registry.Backends()["GET /e/{id} #1"].Errors);

        await using var next = Build(registry, Backend(), number: 2);
        registry.Prune(2);
        await Serve(next, "GET", "/e/9");
        Assert.Equal(6, registry.Endpoints()["GET /e/{id}"].Requests);
    }
}
