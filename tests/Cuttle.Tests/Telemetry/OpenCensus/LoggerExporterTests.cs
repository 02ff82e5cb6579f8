using System.Globalization;
using System.Text.RegularExpressions;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Telemetry.OpenCensus;

/// <summary>telemetry/opencensus's logger exporter through the real `cuttle run`, read from its stdout.</summary>
public sealed partial class LoggerExporterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-oclogger-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // A debug line of KrakenD's logger: prefix, time, level, then the exporter's "<name> <data>".
    [GeneratedRegex(@"^\[KRAKEND\] \d{4}/\d\d/\d\d - \d\d:\d\d:\d\d\.\d{3} (\x1b\[\d+m)?▶ DEBUG\x1b\[0m (\S+) (\{.*\})$", RegexOptions.Multiline)]
    private static partial Regex DebugLine();

    [Fact]
    public async Task Every_sampled_span_and_every_metric_row_is_a_debug_line()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/items/{id}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/item/{id}" } ] } ],
              "extra_config": {
                "telemetry/logging": { "level": "DEBUG", "prefix": "[KRAKEND]", "stdout": true },
                "telemetry/opencensus": { "sample_rate": 100, "reporting_period": 1, "exporters": { "logger": {} } } } }
            """);
        var port = TestPorts.Closed();
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/items/1", "\"ok\":true", TimeSpan.FromSeconds(20)), process.Output);
        // A request served while the process starts may come before the exporters exist: the one observed comes after.
        var ready = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!process.Output.Contains("Cuttle listening on port", StringComparison.Ordinal) && DateTime.UtcNow < ready) await Task.Delay(50);
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/items/42", "\"ok\":true", TimeSpan.FromSeconds(5)), process.Output);

        // Spans leave within a second, metrics at every reporting period (1 s).
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        Match[] lines = [];
        while (DateTime.UtcNow < until)
        {
            lines = DebugLine().Matches(process.Output).ToArray();
            if (lines.Any(m => m.Groups[2].Value == "/items/:id") && lines.Any(m => m.Groups[2].Value == "http.server.duration" && m.Groups[3].Value.StartsWith("{Tags:", StringComparison.Ordinal)))
                break;
            await Task.Delay(100);
        }
        Assert.True(lines.Any(m => m.Groups[2].Value == "/items/:id"), process.Output);
        var server = Assert.Single(lines, m => m.Groups[2].Value == "/items/42").Groups[3].Value;
        Assert.Matches(@"^\{SpanContext:\{TraceID:[0-9a-f]{32} SpanID:[0-9a-f]{16} TraceOptions:1\} ParentSpanID:0000000000000000 SpanKind:1 Name:/items/42 StartTime:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{7} \+0000 UTC EndTime:.* Attributes:map\[.*http.response.status_code:200.*\] Annotations:\[\] Status:\{Code:0 Message:\} Links:\[\] HasRemoteParent:false\}$", server);
        var traceId = Regex.Match(server, "TraceID:([0-9a-f]{32})").Groups[1].Value;
        var proxy = Assert.Single(lines, m => m.Groups[2].Value == "/items/:id" && m.Groups[3].Value.Contains("TraceID:" + traceId, StringComparison.Ordinal)).Groups[3].Value;
        Assert.Contains("ParentSpanID:" + Regex.Match(server, "SpanID:([0-9a-f]{16})").Groups[1].Value, proxy, StringComparison.Ordinal);

        Assert.Contains(lines, m => m.Groups[2].Value == "http.server.duration" && m.Groups[3].Value.StartsWith("{View:{Name:http.server.duration ", StringComparison.Ordinal));
        // Every period logs the rows again (the aggregates are cumulative, as opencensus views are): take the last.
        var row = lines.Last(m => m.Groups[2].Value == "http.server.duration" && m.Groups[3].Value.StartsWith("{Tags:", StringComparison.Ordinal)).Groups[3].Value;
        Assert.Matches(@"^\{Tags:\[.*\{Key:http.route Value:/items/:id\}.*\] Data:&\{Count:\d Min:[0-9.E-]+ Max:[0-9.E-]+ Mean:[0-9.E-]+ CountPerBucket:\[[0-9 ]+\]\}\}$", row);
    }
}
