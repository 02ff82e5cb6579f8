using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary>
/// Settings KrakenD acts on that Cuttle cannot honour as KrakenD does: `run` and `check` both print one warning for
/// each, naming it, its file:line:col and what Cuttle does instead.
/// </summary>
public sealed class UnsupportedSettingsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-unsupported-").FullName;
    private FakeBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await FakeBackend.JsonAsync("""{"ok":true}""");

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // One setting per line, so each warning's line is known.
    private string Config() => $$"""
        {
          "version": 3,
          "read_timeout": "5s",
          "write_timeout": "5s",
          "max_idle_connections": 10,
          "plugin": { "folder": "./plugins", "pattern": ".so" },
          "async_agent": [ { "name": "a", "connection": { "max_retries": 1 } } ],
          "extra_config": {
            "modifier/lua-endpoint": { "pre": "local implemented = true" }
          },
          "endpoints": [ { "endpoint": "/ok", "backend": [ { "host": ["{{_backend.Url}}"], "url_pattern": "/",
            "extra_config": {
              "backend/lambda": { "function_name": "f" },
              "backend/amqp/producer": { "name": "q" },
              "backend/http/client": { "send_body_on_redirect": true, "unknown_knob": 1, "client_tls": { "min_version": "TLS12" } }
            } } ] }
          ]
        }
        """;

    private static readonly (string Position, string Text)[] Expected =
    [
        (":6:3", "plugin: Cuttle cannot load KrakenD's Go plugins"),
        (":7:3", "async_agent: Cuttle runs no async agents; the 1 agent(s)"),
        (":13:7", "namespace backend/lambda is not implemented by Cuttle and is ignored; the backend is called over HTTP"),
        (":14:7", "namespace backend/amqp/producer is not implemented by Cuttle and is ignored; the backend is called over HTTP"),
        (":15:63", "backend/http/client.unknown_knob is not implemented by Cuttle and is ignored"),
        (":15:82", "backend/http/client.client_tls is a KrakenD Enterprise setting that KrakenD CE ignores, and so does Cuttle: this backend is called with the service's client_tls"),
    ];

    private static void AssertWarnings(string output)
    {
        // Service-level modifier/lua-endpoint is implemented: no warning for it.
        Assert.DoesNotContain("modifier/lua-endpoint", output, StringComparison.Ordinal);
        // max_idle_connections, read_timeout and write_timeout are applied: no warning for them.
        Assert.DoesNotContain("max_idle_connections", output, StringComparison.Ordinal);
        Assert.DoesNotContain("read_timeout", output, StringComparison.Ordinal);
        Assert.DoesNotContain("write_timeout", output, StringComparison.Ordinal);
        var lines = output.Split('\n');
        foreach (var (position, text) in Expected)
            Assert.True(lines.Count(l => l.Contains("krakend.json" + position, StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal)) == 1,
                $"expected one warning at {position}: {text}\n{output}");
    }

    [Fact]
    public async Task Check_names_each_setting_with_its_position()
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config());
        await using var process = CuttleProcess.Start(_dir, "check", "-c", path);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, process.ExitCode);
        AssertWarnings(process.Output);
    }

    [Fact]
    public async Task Run_names_each_setting_with_its_position_and_serves()
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config());
        var port = TestPorts.Closed();
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/ok", "\"ok\":true", TimeSpan.FromSeconds(20)), process.Output);
        AssertWarnings(process.Output);
    }
}
