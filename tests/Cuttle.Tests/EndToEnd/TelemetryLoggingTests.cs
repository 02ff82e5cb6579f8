using System.Globalization;
using System.Text.RegularExpressions;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>telemetry/logging through the real `cuttle run`, read from its real stdout.</summary>
public sealed partial class TelemetryLoggingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-logging-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string Config(string level) => $$"""
        { "version": 3,
          "extra_config": {
            "telemetry/logging": { "level": "{{level}}", "prefix": "[KRAKEND]", "stdout": true },
            "router": { "logger_skip_paths": ["/skipped"] }
          },
          "endpoints": [] }
        """;

    [GeneratedRegex(@"^\[GIN\] \d{4}/\d\d/\d\d - \d\d:\d\d:\d\d \| (\d{3}) \|\s{0,7}[0-9.]+(ns|µs|ms|s) \|       127\.0\.0\.1 \| GET      ""([^""]*)""$", RegexOptions.Multiline)]
    private static partial Regex AccessLine();

    [GeneratedRegex(@"^\[KRAKEND\] \d{4}/\d\d/\d\d - \d\d:\d\d:\d\d\.\d{3} (\x1b\[\d+m)?▶ (INFO|DEBUG)\x1b\[0m (.*)$", RegexOptions.Multiline)]
    private static partial Regex AppLine();

    private static async Task<bool> WaitForAsync(CuttleProcess process, Func<string, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (done(process.Output)) return true;
            await Task.Delay(50);
        }
        return done(process.Output);
    }

    [Fact]
    public async Task Every_request_gets_a_gin_access_line_and_a_reload_changes_the_level()
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config("INFO"));
        var port = TestPorts.Closed();
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/__health", "\"status\":\"ok\"", TimeSpan.FromSeconds(20)), process.Output);

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        (await client.GetAsync("/__health")).Dispose();
        (await client.GetAsync("/missing?x=1")).Dispose();
        (await client.GetAsync("/skipped")).Dispose();
        // The polls above and the two requests: every one but /skipped has its line.
        Assert.True(await WaitForAsync(process, o => AccessLine().Matches(o).Any(m => m.Groups[3].Value == "/missing?x=1"), TimeSpan.FromSeconds(5)), process.Output);
        var access = AccessLine().Matches(process.Output);
        Assert.Contains(access, m => m.Groups[1].Value == "404" && m.Groups[3].Value == "/missing?x=1");
        Assert.True(access.Count(m => m.Groups[3].Value == "/__health" && m.Groups[1].Value == "200") >= 2, process.Output);
        Assert.DoesNotContain(access, m => m.Groups[3].Value == "/skipped");

        // The start-up line is in KrakenD's shape at INFO, and nothing at DEBUG is written yet.
        var before = AppLine().Matches(process.Output);
        Assert.Contains(before, m => m.Groups[2].Value == "INFO" && m.Groups[3].Value.StartsWith("Cuttle listening on port", StringComparison.Ordinal));
        Assert.DoesNotContain(before, m => m.Groups[2].Value == "DEBUG");

        // Reload at DEBUG: the old generation's retirement (a debug line) now shows.
        await File.WriteAllTextAsync(path, Config("DEBUG"));
        process.Signal(CuttleProcess.SIGHUP);
        Assert.True(await WaitForAsync(process, o => AppLine().Matches(o).Any(m => m.Groups[2].Value == "DEBUG" && m.Groups[3].Value.StartsWith("generation 1 retired", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)), process.Output);
        Assert.Contains(AppLine().Matches(process.Output), m => m.Groups[3].Value.StartsWith("reload: generation 2 live", StringComparison.Ordinal));

        process.Signal(CuttleProcess.SIGTERM);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(10)), "did not exit after SIGTERM");
    }

    [Fact]
    public async Task Without_the_namespace_the_console_output_is_unchanged_and_there_is_no_access_log()
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, """{ "version": 3, "endpoints": [] }""");
        var port = TestPorts.Closed();
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/__health", "\"status\":\"ok\"", TimeSpan.FromSeconds(20)), process.Output);
        await Task.Delay(300);
        Assert.Contains("info: Cuttle[1]", process.Output);
        Assert.DoesNotContain("[GIN]", process.Output);
        process.Signal(CuttleProcess.SIGTERM);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }
}
