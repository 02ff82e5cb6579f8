using System.Net;
using System.Text;
using Cuttle.Config;
using Cuttle.Gateway.Telemetry.Stats;
using static Cuttle.Gateway.Tests.InMemoryBackend;

namespace Cuttle.Gateway.Tests.Telemetry.Stats;

/// <summary>telemetry/metrics wired into a compiled generation, its backends in memory.</summary>
public sealed class StatsGenerationTests
{
    private readonly StatsCollector _collector = new();

    private Generation Build(string metrics, InMemoryBackend backend, long number = 1)
    {
        var json = $$"""
            { "version": 3, "extra_config": { "telemetry/metrics": {{metrics}} },
              "endpoints": [ { "endpoint": "/e/{id}", "backend": [
                { "host": ["http://backend.test"], "url_pattern": "/u/{id}" },
                { "host": ["http://backend.test"], "url_pattern": "/fail" } ] } ] }
            """;
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        return GenerationBuilder.Build(loaded.Config!, new GenerationOptions { BackendHandler = backend, Stats = _collector, Number = number });
    }

    private static InMemoryBackend Backend() => new(r => r.Url.AbsolutePath == "/fail" ? Json("{}", HttpStatusCode.InternalServerError) : Json("""{"a":1}"""));

    private long Count(string name) => ((StatsCounter)_collector.Get("krakend." + name)!).Count;

    private long HistogramCount(string name) => ((StatsHistogram)_collector.Get("krakend." + name)!).Count;

    [Fact]
    public async Task EveryLayer_CountsEachRequest_UnderKrakendsNames()
    {
        await using var generation = Build("{}", Backend());
        for (var i = 0; i < 5; i++) Assert.Equal(200, (await Serve(generation, "GET", $"/e/{i}")).Status);

        // Router: gin's path for the endpoint name, status code, size and time.
        Assert.Equal(5, Count("router.response./e/:id.status.200.count"));
        Assert.Equal(5, HistogramCount("router.response./e/:id.size"));
        Assert.Equal(5, HistogramCount("router.response./e/:id.time"));
        Assert.Equal(5, Count("router.connected"));
        Assert.Equal(5, Count("router.disconnected"));
        // Pipe: one backend failed, so the merged response is incomplete, with an error.
        Assert.Equal(5, Count("proxy.requests.layer.pipe.name./e/:id.complete.false.error.true"));
        Assert.Equal(5, HistogramCount("proxy.latency.layer.pipe.name./e/:id.complete.false.error.true"));
        // Backends: lura's url_pattern ({{.Id}}) names them.
        Assert.Equal(5, Count("proxy.requests.layer.backend.name./u/{{.Id}}.complete.true.error.false"));
        Assert.Equal(5, Count("proxy.requests.layer.backend.name./fail.complete.false.error.true"));
        Assert.Equal(0, Count("proxy.requests.layer.backend.name./fail.complete.true.error.false"));
    }

    [Theory]
    [InlineData("router_disabled")]
    [InlineData("proxy_disabled")]
    [InlineData("backend_disabled")]
    public async Task A_DisabledLayer_IsLeftOut_AndTheOthersStay(string flag)
    {
        await using var generation = Build($$"""{"{{flag}}": true}""", Backend());
        await Serve(generation, "GET", "/e/1");

        var router = _collector.Get("krakend.router.response./e/:id.size");
        var pipe = _collector.Get("krakend.proxy.requests.layer.pipe.name./e/:id.complete.false.error.true");
        var backend = _collector.Get("krakend.proxy.requests.layer.backend.name./fail.complete.false.error.true");
        Assert.Equal(flag != "router_disabled", router is not null);
        Assert.Equal(flag != "proxy_disabled", pipe is not null);
        Assert.Equal(flag != "backend_disabled", backend is not null);
        Assert.Equal(flag == "router_disabled" ? 0 : 1, Count("router.connected"));
    }

    [Fact]
    public async Task ANewGeneration_WithTheSameNames_KeepsCounting_WhereTheOldOneLeftOff()
    {
        var backend = Backend();
        await using (var first = Build("{}", backend, number: 1))
        {
            await Serve(first, "GET", "/e/1");
            await Serve(first, "GET", "/e/2");
        }
        await using var second = Build("{}", backend, number: 2);
        _collector.Prune(2);
        await Serve(second, "GET", "/e/3");

        Assert.Equal(3, Count("router.response./e/:id.status.200.count"));
        Assert.Equal(3, Count("proxy.requests.layer.backend.name./u/{{.Id}}.complete.true.error.false"));
    }

    [Fact]
    public async Task TwoHundredReloads_LeaveTheRegistryTheSizeOfOneConfiguration()
    {
        var backend = Backend();
        await using (var g = Build("{}", backend, number: 1)) await Serve(g, "GET", "/e/1");
        _collector.Prune(1);
        var size = _collector.Count;
        for (var n = 2; n <= 201; n++)
        {
            await using var g = Build("{}", backend, number: n);
            _collector.Prune(n);
            await Serve(g, "GET", "/e/1");
        }

        Assert.Equal(size, _collector.Count);
        Assert.Equal(201, Count("router.response./e/:id.status.200.count"));
    }
}
