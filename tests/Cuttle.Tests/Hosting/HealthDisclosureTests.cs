using System.Globalization;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Hosting;

/// <summary>
/// /__health is open to every client: it must say no more than KrakenD's does, and no message about a configuration
/// (health details in debug mode, the reload log) may carry the credentials written in it.
/// </summary>
public sealed class HealthDisclosureTests : IDisposable
{
    private const string Credentials = "http://user:secret@db.internal:5432";
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-health-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private async Task<(CuttleProcess Process, string HealthUrl)> StartAndBreakAsync(params string[] extra)
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, """{ "version": 3, "endpoints": [] }""");
        var port = TestPorts.Closed();
        var process = CuttleProcess.Start(_dir, ["run", "--watch", "--poll", "100ms", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture), .. extra]);
        var health = $"http://127.0.0.1:{port}/__health";
        Assert.True(await process.WaitForBodyAsync(health, "\"status\":\"ok\"", TimeSpan.FromSeconds(30)), process.Output);

        await File.WriteAllTextAsync(path, $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/db", "backend": [ { "host": ["{{Credentials}}"], "url_pattern": "/" } ] } ] }
            """);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!process.Output.Contains("reload rejected", StringComparison.Ordinal) && DateTime.UtcNow < until) await Task.Delay(50);
        Assert.Contains("reload rejected", process.Output, StringComparison.Ordinal);
        return (process, health);
    }

    [Fact]
    public async Task Health_answers_KrakenDs_body_only_and_the_reload_log_masks_the_password()
    {
        var (process, healthUrl) = await StartAndBreakAsync();
        await using var _ = process;

        using var client = new HttpClient();
        var body = await client.GetStringAsync(healthUrl);

        using var doc = JsonDocument.Parse(body);
        Assert.Equal(["agents", "now", "status"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain(_dir, body, StringComparison.Ordinal);
        Assert.DoesNotContain(":secret@", process.Output, StringComparison.Ordinal);
        Assert.Contains("http://user:xxxxx@db.internal:5432", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_debug_mode_health_details_show_the_reload_error_masked()
    {
        var (process, healthUrl) = await StartAndBreakAsync("-d");
        await using var _ = process;

        using var client = new HttpClient();
        var body = await client.GetStringAsync(healthUrl);

        using var doc = JsonDocument.Parse(body);
        var details = doc.RootElement.GetProperty("cuttle");
        Assert.Equal(1, details.GetProperty("generation").GetInt64());
        Assert.Equal(1, details.GetProperty("rejected_reloads").GetInt64());
        var error = details.GetProperty("last_reload_error").GetString()!;
        Assert.Contains("http://user:xxxxx@db.internal:5432", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain(":secret@", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_prints_a_broken_configs_errors_masked_at_start_up()
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/db", "backend": [ { "host": ["{{Credentials}}"], "url_pattern": "/" } ] } ] }
            """);
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", TestPorts.Closed().ToString(CultureInfo.InvariantCulture));

        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("http://user:xxxxx@db.internal:5432", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", process.Output, StringComparison.Ordinal);
    }
}
