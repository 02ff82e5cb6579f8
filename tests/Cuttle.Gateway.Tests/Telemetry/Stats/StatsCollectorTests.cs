using Cuttle.Gateway.Telemetry.Stats;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Telemetry.Stats;

/// <summary>The collector against go-metrics' and krakend-metrics' behaviour: counters, the uniform sample, the
/// collection tick, and the exp handler's JSON.</summary>
public sealed class StatsCollectorTests
{
    [Fact]
    public void Counter_ConcurrentIncrements_AreAllCounted()
    {
        var c = new StatsCounter();
        Parallel.For(0, 100_000, _ => c.Inc());
        Assert.Equal(100_000, c.Count);
    }

    [Fact]
    public void Histogram_HoldsAtMost1028Values_ButCountsEveryUpdate()
    {
        var h = new StatsHistogram();
        Parallel.For(0, 50_000, i => h.Update(i));

        var s = h.Snapshot();
        Assert.Equal(50_000, s.Count);
        Assert.Equal(1028, s.Size);
        Assert.Equal(1028, h.Size);
        // Algorithm R keeps a uniform sample: its mean sits near the stream's (24999.5), far from the first 1028's.
        Assert.InRange(s.Mean, 20_000, 30_000);
    }

    [Fact]
    public void HistogramSnapshot_Statistics_AreGoMetrics()
    {
        var h = new StatsHistogram();
        for (var i = 1; i <= 100; i++) h.Update(i);
        var s = h.Snapshot();

        Assert.Equal((1, 100), (s.Min, s.Max));
        Assert.Equal(50.5, s.Mean);
        Assert.Equal(833.25, s.Variance, 9);
        // SamplePercentiles: pos = p·(n+1), interpolated; past the end is the max.
        Assert.Equal(50.5, s.Percentile(0.5));
        Assert.Equal(75.75, s.Percentile(0.75), 9);
        Assert.Equal(99.99, s.Percentile(0.99), 9);
        Assert.Equal(100, s.Percentile(0.999));
        Assert.Equal(1, s.Percentile(0.001));
    }

    [Fact]
    public void Collect_MovesConnectionsToGaugesAndTotals_AndClearsHistograms()
    {
        using var collector = new StatsCollector();
        var h = collector.Histogram("router.response./a.time", 1);
        h.Update(5);
        collector.Connected.Inc(3);
        collector.Disconnected.Inc(2);

        collector.Collect();
        Assert.Equal((0L, 3L, 3L), (collector.Connected.Count, collector.ConnectedGauge.Value, collector.ConnectedTotal.Count));
        Assert.Equal((0L, 2L, 2L), (collector.Disconnected.Count, collector.DisconnectedGauge.Value, collector.DisconnectedTotal.Count));
        Assert.Equal(0, h.Count);

        collector.Connected.Inc();
        collector.Collect();
        Assert.Equal((1L, 4L), (collector.ConnectedGauge.Value, collector.ConnectedTotal.Count));
    }

    [Fact]
    public void Start_TicksEveryCollectionTime_OnTheGivenClock()
    {
        var time = new FakeTimeProvider();
        using var collector = new StatsCollector(time);
        collector.Start(TimeSpan.FromSeconds(30));
        collector.Connected.Inc();

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, collector.ConnectedTotal.Count);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, collector.ConnectedTotal.Count);

        collector.Stop();
        collector.Connected.Inc();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, collector.ConnectedTotal.Count);
    }

    [Fact]
    public void Prune_DropsOnlyWhatNoLiveGenerationResolved_AndTheSameNameIsTheSameCounter()
    {
        using var collector = new StatsCollector();
        var kept = collector.Counter("proxy.requests.kept", 1);
        kept.Inc();
        collector.Counter("proxy.requests.gone", 1);
        var before = collector.Count;

        Assert.Same(kept, collector.Counter("proxy.requests.kept", 2));
        collector.Prune(2);

        Assert.Equal(before - 1, collector.Count);
        Assert.Null(collector.Get("krakend.proxy.requests.gone"));
        Assert.Same(kept, collector.Get("krakend.proxy.requests.kept"));
        Assert.NotNull(collector.Get("krakend.router.connected"));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(50.5, "50.5")]
    [InlineData(123456, "123456")]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(1e6, "1e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(28.86607004772212, "28.86607004772212")]
    [InlineData(-2.5e21, "-2.5e+21")]
    [InlineData(123456789012, "1.23456789012e+11")]
    public void Float_IsGosFormatFloatG(double value, string expected) => Assert.Equal(expected, ExpvarWriter.Float(value));

    [Fact]
    public void RenderJson_IsTheExpHandlersShape()
    {
        using var collector = new StatsCollector();
        var layer = new LayerStats(collector, "backend", "/u/{{.Id}}", 1);
        layer.Record(complete: true, errored: false, nanoseconds: 2_000_000);
        var router = new RouterEndpointStats(collector, "/e/:id", 1);
        router.Status(200).Inc();
        router.Size.Update(10);

        var json = collector.RenderJson();
        var lines = json.Split('\n');

        // "{\n" + "%q: %s" lines joined by ",\n" + "\n}\n", keys sorted as expvar sorts them.
        Assert.Equal("{", lines[0]);
        Assert.Equal(["}", ""], lines[^2..]);
        var keys = lines[1..^2].Select(l => l[1..l.IndexOf("\": ", StringComparison.Ordinal)]).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.StartsWith("\"cmdline\": [", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("\"memstats\": {", lines[^3], StringComparison.Ordinal);

        var values = lines[1..^2].ToDictionary(l => l[1..l.IndexOf("\": ", StringComparison.Ordinal)], l => l[(l.IndexOf("\": ", StringComparison.Ordinal) + 3)..].TrimEnd(','));
        Assert.Equal("1", values["krakend.proxy.requests.layer.backend.name./u/{{.Id}}.complete.true.error.false"]);
        Assert.Equal("0", values["krakend.proxy.requests.layer.backend.name./u/{{.Id}}.complete.false.error.true"]);
        Assert.Equal("1", values["krakend.proxy.latency.layer.backend.name./u/{{.Id}}.complete.true.error.false.count"]);
        Assert.Equal("2e+06", values["krakend.proxy.latency.layer.backend.name./u/{{.Id}}.complete.true.error.false.max"]);
        Assert.Equal("2e+06", values["krakend.proxy.latency.layer.backend.name./u/{{.Id}}.complete.true.error.false.999-percentile"]);
        Assert.Equal("0", values["krakend.proxy.latency.layer.backend.name./u/{{.Id}}.complete.false.error.false.std-dev"]);
        Assert.Equal("1", values["krakend.router.response./e/:id.status.200.count"]);
        Assert.Equal("0", values["krakend.router.response./e/:id.status"]);
        Assert.Equal("10", values["krakend.router.response./e/:id.size.50-percentile"]);
        Assert.Equal("0", values["krakend.router.response./e/:id.time.count"]);
        foreach (var k in (string[])["krakend.router.connected", "krakend.router.disconnected", "krakend.router.connected-total",
                     "krakend.router.disconnected-total", "krakend.router.connected-gauge", "krakend.router.disconnected-gauge"])
            Assert.Equal("0", values[k]);
        // Every histogram is exactly exp.publishHistogram's ten keys.
        string[] suffixes = [".50-percentile", ".75-percentile", ".95-percentile", ".99-percentile", ".999-percentile", ".count", ".max", ".mean", ".min", ".std-dev"];
        Assert.Equal(suffixes, keys.Where(k => k.StartsWith("krakend.router.response./e/:id.time", StringComparison.Ordinal)).Select(k => k["krakend.router.response./e/:id.time".Length..]));
        // 4 counters + 4 histograms of the layer, the router's 3 + 1 status counter, 6 connection metrics, 10 service gauges.
        Assert.Equal(4 + (4 * 10) + 1 + 1 + (2 * 10) + 6 + 10, keys.Count(k => k.StartsWith("krakend.", StringComparison.Ordinal)));
    }
}
