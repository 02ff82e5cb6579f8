using System.Diagnostics;
using System.Text.RegularExpressions;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenCensus;

/// <summary>telemetry/opencensus's influxdb exporter through the real gateway, writing to a fake InfluxDB 1.x on loopback.</summary>
public sealed partial class InfluxViewExporterTests
{
    private static string Config(string backendUrl, string influx) => $$"""
        { "version": 3,
          "extra_config": {
            "telemetry/opencensus": { "reporting_period": 1, "exporters": { "influxdb": {{influx}} } }
          },
          "endpoints": [ { "endpoint": "/items/{id}", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/item/{id}" } ] } ] }
        """;

    // measurement[,tag=value...] field=value[,field=value...] seconds
    [GeneratedRegex(@"^[^ ,]+(,[^ ,=]+=[^ ,]+)* [^ ,=]+=[^ ,]+(,[^ ,=]+=[^ ,]+)* \d{10}$")]
    private static partial Regex LineShape();

    private const string Distribution = @" count=2i,max=[0-9.]+,mean=[0-9.]+,min=[0-9.]+,sum=[0-9.]+ \d{10}$";

    private static async Task<FakeBackend.Seen?> WriteContaining(FakeBackend influx, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (influx.Requests.FirstOrDefault(r => r.Body.Contains(text, StringComparison.Ordinal)) is { } write) return write;
            await Task.Delay(50);
        }
        return null;
    }

    [Fact]
    public async Task The_opencensus_HTTP_views_reach_InfluxDB_with_their_tags_the_database_and_basic_credentials()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var influx = await FakeBackend.StartAsync(ctx => { ctx.Response.StatusCode = 204; return Task.CompletedTask; });
        var options = $$"""{ "address": "{{influx.Url}}", "db": "krakend", "username": "user", "password": "secret", "service_name": "gw1", "timeout": "5s" }""";
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, options));
        for (var i = 0; i < 2; i++) Assert.Equal(200, (int)(await gw.Client.GetAsync("/items/" + i)).StatusCode);

        var write = await WriteContaining(influx, "opencensus.io/http/client/completed_count,http_client_method=GET,http_client_status=200,instance=gw1 count=2i");
        Assert.NotNull(write);
        Assert.Equal("POST", write.Method);
        Assert.Equal("/write?db=krakend&rp=&precision=s&consistency=", write.PathAndQuery);
        Assert.Equal("Basic " + Convert.ToBase64String("user:secret"u8.ToArray()), write.Headers["Authorization"]);
        var lines = write.Body.TrimEnd('\n').Split('\n');
        Assert.All(lines, l => Assert.Matches(LineShape(), l));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^opencensus.io/http/server/latency,instance=gw1" + Distribution));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^opencensus.io/http/server/latency_buckets,bucket=\d+,instance=gw1 count=[12]i \d{10}$"));
        Assert.Contains(lines, l => l.StartsWith("opencensus.io/http/server/request_count,instance=gw1 count=2i ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("opencensus.io/http/server/request_count_by_method,http.method=GET,instance=gw1 count=2i ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("opencensus.io/http/server/response_count_by_status_code,http.status=200,instance=gw1 count=2i ", StringComparison.Ordinal));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^opencensus.io/http/server/response_bytes,instance=gw1" + Distribution));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^opencensus.io/http/client/roundtrip_latency,http_client_method=GET,http_client_status=200,instance=gw1" + Distribution));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^opencensus.io/http/client/roundtrip_latency_buckets,bucket=\d+,instance=gw1 count=[12]i \d{10}$"));
    }

    [Fact]
    public async Task A_failed_write_is_sent_again_with_the_next_period_and_no_username_means_no_credentials()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var writes = 0;
        await using var influx = await FakeBackend.StartAsync(ctx =>
        {
            // The first write that carries a point fails, as a server that is down would make it.
            ctx.Response.StatusCode = Interlocked.Increment(ref writes) == 1 ? 500 : 204;
            return Task.CompletedTask;
        });
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, $$"""{ "address": "{{influx.Url}}", "db": "krakend" }"""));
        Assert.Equal(200, (int)(await gw.Client.GetAsync("/items/1")).StatusCode);

        var second = await WriteContaining(influx, "\nopencensus.io/http/server/latency count=");
        Assert.NotNull(second);
        var first = influx.Requests.First();
        Assert.False(second.Headers.ContainsKey("Authorization"));
        // The failed batch leads the next write, whose own points follow it.
        Assert.StartsWith(first.Body, second.Body, StringComparison.Ordinal);
        Assert.Contains("opencensus.io/http/server/request_count count=1i ", first.Body, StringComparison.Ordinal);
    }
}
