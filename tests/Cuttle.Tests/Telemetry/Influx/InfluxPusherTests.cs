using System.Diagnostics;
using System.Text.RegularExpressions;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.Influx;

/// <summary>telemetry/influx through the real gateway: the collector's snapshot pushed to a fake InfluxDB 1.x (Kestrel on loopback).</summary>
public sealed partial class InfluxPusherTests
{
    private static string Config(string backendUrl, string influx) => $$"""
        { "version": 3,
          "extra_config": {
            "telemetry/metrics": { "collection_time": "100ms", "listen_address": "127.0.0.1:0" },
            "telemetry/influx": {{influx}}
          },
          "endpoints": [ { "endpoint": "/ok", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/" } ] } ] }
        """;

    // measurement[,tag=value...] field=value[,field=value...] seconds
    [GeneratedRegex(@"^[^ ,]+(,[^ ,=]+=[^ ,]+)* [^ ,=]+=[^ ,]+(,[^ ,=]+=[^ ,]+)* \d{10}$")]
    private static partial Regex LineShape();

    [Fact]
    public async Task The_metrics_reach_InfluxDB_as_line_protocol_with_the_database_precision_and_basic_credentials()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var influx = await FakeBackend.StartAsync(ctx => { ctx.Response.StatusCode = 204; return Task.CompletedTask; });
        var options = $$"""{ "address": "{{influx.Url}}", "ttl": "200ms", "db": "gw", "username": "user", "password": "secret", "buffer_size": 10 }""";
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, options));
        for (var i = 0; i < 3; i++) Assert.Equal(200, (int)(await gw.Client.GetAsync("/ok")).StatusCode);

        FakeBackend.Seen? write = null;
        var deadline = Stopwatch.StartNew();
        while (write is null && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            write = influx.Requests.FirstOrDefault(r => r.Body.Contains("status=200", StringComparison.Ordinal) && r.Body.Contains("total=3i", StringComparison.Ordinal));
            if (write is null) await Task.Delay(50);
        }
        Assert.NotNull(write);
        Assert.Equal("POST", write.Method);
        Assert.Equal("/write?db=gw&rp=&precision=s&consistency=", write.PathAndQuery);
        Assert.Equal("Basic " + Convert.ToBase64String("user:secret"u8.ToArray()), write.Headers["Authorization"]);
        var lines = write.Body.TrimEnd('\n').Split('\n');
        Assert.All(lines, l => Assert.Matches(LineShape(), l));
        Assert.Contains(lines, l => l.StartsWith("responses,host=", StringComparison.Ordinal) && l.Contains(",name=/ok,status=200 count=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("router,direction=in,host=", StringComparison.Ordinal) && l.Contains(" current=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("runtime,host=", StringComparison.Ordinal) && l.Contains("NumThread=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_InfluxDB_neither_fails_nor_slows_requests()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var options = $$"""{ "address": "http://127.0.0.1:{{TestPorts.Closed()}}", "ttl": "20ms" }""";
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, options));
        await Task.Delay(300); // several failed pushes before the requests
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 50; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.Equal(200, (int)(await gw.Client.GetAsync("/ok")).StatusCode);
            var took = Stopwatch.GetElapsedTime(started);
            if (took > slowest) slowest = took;
        }
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest request {slowest}");
    }
}
