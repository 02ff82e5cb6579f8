using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary>`cuttle run` as users start it: a real process, real signals, real file edits.</summary>
public sealed class RunCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-run-").FullName;
    private FakeBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await FakeBackend.StartAsync(async ctx =>
    {
        if (ctx.Request.Path == "/slow") await Task.Delay(1500);
        await ctx.Response.WriteAsync($$"""{"path":"{{ctx.Request.Path}}"}""");
    });

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Config(string tag) => $$"""
        { "version": 3, "endpoints": [
          { "endpoint": "/api", "backend": [ { "host": ["{{_backend.Url}}"], "url_pattern": "/{{tag}}" } ] },
          { "endpoint": "/slow", "timeout": "10s", "backend": [ { "host": ["{{_backend.Url}}"], "url_pattern": "/slow" } ] } ] }
        """;

    private async Task<(CuttleProcess Process, int Port, string Path)> StartAsync(string tag, params string[] extra)
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config(tag));
        var port = TestPorts.Closed();
        var process = CuttleProcess.Start(_dir, ["run", "-c", path, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra]);
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/api", $"/{tag}", TimeSpan.FromSeconds(20)), process.Output);
        return (process, port, path);
    }

    [Theory]
    [InlineData(null, "cuttle")]
    [InlineData("kestrel", "kestrel")]
    public async Task The_socket_transport_is_the_gateways_unless_the_environment_asks_for_kestrels(string? variable, string expected)
    {
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config("t"));
        var port = TestPorts.Closed();
        var environment = new Dictionary<string, string> { ["CUTTLE_SOCKET_TRANSPORT"] = variable ?? "" };
        // -d: /__health names the transport among the gateway's details, shown in debug mode only.
        await using var process = CuttleProcess.Start(_dir, environment, "run", "-d", "-c", path, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/api", "/t", TimeSpan.FromSeconds(20)), process.Output);
        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/__health", $"\"socket_transport\":\"{expected}\"", TimeSpan.FromSeconds(5)), process.Output);
    }

    [Fact]
    public async Task Watch_mode_reloads_an_edited_file_in_process()
    {
        var (process, port, path) = await StartAsync("first", "--watch");
        await using var _ = process;

        var tmp = path + ".swp";
        await File.WriteAllTextAsync(tmp, Config("second"));
        File.Move(tmp, path, overwrite: true); // the way vim and most editors save

        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/api", "/second", TimeSpan.FromSeconds(10)), process.Output);
        // The console logger writes asynchronously: give the reload line a moment to appear.
        for (var i = 0; i < 100 && !process.Output.Contains("reload: generation 2 live", StringComparison.Ordinal); i++) await Task.Delay(50);
        Assert.Contains("reload: generation 2 live", process.Output);
    }

    [Fact]
    public async Task Sighup_reloads_even_without_watch()
    {
        var (process, port, path) = await StartAsync("first");
        await using var _ = process;

        await File.WriteAllTextAsync(path, Config("second"));
        process.Signal(CuttleProcess.SIGHUP);

        Assert.True(await process.WaitForBodyAsync($"http://127.0.0.1:{port}/api", "/second", TimeSpan.FromSeconds(10)), process.Output);
        Assert.False(process.HasExited);
    }

    [Fact]
    public async Task Sigterm_lets_the_in_flight_request_finish_and_exits_zero()
    {
        var (process, port, _) = await StartAsync("first");
        await using var _ = process;
        using var client = new HttpClient();
        var slow = client.GetAsync($"http://127.0.0.1:{port}/slow");
        // Signal only once the request really is in flight at the backend (a fixed delay raced a cold, loaded child).
        for (var i = 0; i < 200 && !_backend.Requests.Any(r => r.PathAndQuery == "/slow"); i++) await Task.Delay(25);
        Assert.Contains(_backend.Requests, r => r.PathAndQuery == "/slow");

        process.Signal(CuttleProcess.SIGTERM);

        var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(10)), "did not exit after SIGTERM");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task An_invalid_config_at_start_exits_1_naming_the_position()
    {
        var path = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(path, "{ \"version\": 3,\n  \"endpoints\": [ { \"endpoint\": \"/x\" } ] }");
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path);

        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("bad.json:2:", process.Output);
        Assert.DoesNotContain("   at ", process.Output); // no stack trace
    }

    [Fact]
    public async Task A_port_already_in_use_is_a_clear_error()
    {
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Any, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config("x"));
        await using var process = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(3, process.ExitCode);
        Assert.Contains("ERROR starting the gateway", process.Output);
        Assert.DoesNotContain("   at ", process.Output);
    }
}
