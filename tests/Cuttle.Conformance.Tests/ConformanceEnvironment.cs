namespace Cuttle.Conformance.Tests;

/// <summary>
/// Mock backend + gateway child process + Go-like client, set up once for the whole spec run: the fixture
/// krakend.json and lua/ are copied to a temp dir with the ephemeral ports substituted (Lua sources are relative
/// to the working directory, <c>fixtures/lua/*.lua</c>, as in krakend-ce where the runner's CWD is <c>tests/</c>).
/// </summary>
internal sealed class ConformanceEnvironment : IAsyncDisposable
{
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(15);

    private readonly string _workDir;

    private ConformanceEnvironment(MockBackend backend, GatewayProcess? gateway, string workDir, int gatewayPort, string? startupError)
    {
        Backend = backend;
        Gateway = gateway;
        _workDir = workDir;
        GatewayPort = gatewayPort;
        StartupError = startupError;
        Client = new GoHttpClient(TimeSpan.FromSeconds(10));
    }

    public MockBackend Backend { get; }

    public GatewayProcess? Gateway { get; }

    public int GatewayPort { get; }

    public GoHttpClient Client { get; }

    /// <summary>Why the gateway is not usable (with its output), or null when it is healthy.</summary>
    public string? StartupError { get; }

    public static async Task<ConformanceEnvironment> StartAsync(string fixturesDir)
    {
        var backend = await MockBackend.StartAsync().ConfigureAwait(false);
        var gatewayPort = GatewayProcess.FreePort();
        var workDir = Path.Combine(Path.GetTempPath(), "cuttle-conformance-" + Guid.NewGuid().ToString("N"));
        var configDir = Path.Combine(workDir, "fixtures");
        Directory.CreateDirectory(Path.Combine(configDir, "lua"));
        var config = FixturePorts.Rewrite(await File.ReadAllTextAsync(Path.Combine(fixturesDir, "krakend.json")).ConfigureAwait(false), gatewayPort, backend.Port);
        var configPath = Path.Combine(configDir, "krakend.json");
        await File.WriteAllTextAsync(configPath, config).ConfigureAwait(false);
        foreach (var lua in Directory.EnumerateFiles(Path.Combine(fixturesDir, "lua")))
        {
            File.Copy(lua, Path.Combine(configDir, "lua", Path.GetFileName(lua)));
        }

        var cuttleDll = Path.Combine(AppContext.BaseDirectory, "cuttle.dll");
        if (!File.Exists(cuttleDll))
        {
            return new ConformanceEnvironment(backend, null, workDir, gatewayPort, $"cuttle.dll not found in the test output ({AppContext.BaseDirectory})");
        }

        var gateway = GatewayProcess.Start(cuttleDll, configPath, workDir, gatewayPort);
        var error = await gateway.WaitHealthyAsync(StartupDeadline).ConfigureAwait(false);
        if (error is not null)
        {
            error += "\n--- gateway output ---\n" + gateway.Output;
        }

        var environment = new ConformanceEnvironment(backend, gateway, workDir, gatewayPort, error);
        if (error is null)
        {
            await environment.WarmUpAsync().ConfigureAwait(false);
        }

        return environment;
    }

    /// <summary>
    /// KrakenD is a native Go binary; Cuttle and this in-process mock are JIT-compiled, and their very first requests
    /// are slow enough to blow the 85 ms merge budget of the <c>timeout</c> spec (endpoint timeout 100 ms) when that
    /// spec happens to run first. So, unlike krakend-ce's runner, requests are sent once through the main paths
    /// (mock echo, single backend, merge, no-op, XML) before any spec; responses are ignored and the gateway keeps no
    /// state between requests, so no spec can observe this.
    /// </summary>
    private async Task WarmUpAsync()
    {
        string[] paths = ["/static", "/param_forwarding/some/foo/bar", "/combination/2", "/timeout", "/xml/xml", "/timeout"];
        var backendEcho = new[] { new KeyValuePair<string, string>("X-Forwarded-For", "127.0.0.1") };
        for (var i = 0; i < 2; i++)
        {
            await TryAsync($"http://127.0.0.1:{Backend.Port}/param_forwarding/warm-up", backendEcho).ConfigureAwait(false);
        }

        foreach (var path in paths)
        {
            await TryAsync($"http://localhost:{GatewayPort}{path}", []).ConfigureAwait(false);
        }
    }

    private async Task TryAsync(string url, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        try
        {
            await Client.SendAsync("GET", url, headers, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Warm-up only: a spec will report any real problem.
        }
        catch (TaskCanceledException)
        {
            // Same.
        }
    }

    /// <summary>Reads a spec file and substitutes the ports, exactly as was done for krakend.json.</summary>
    public ConformanceSpec LoadSpec(string name)
    {
        var text = File.ReadAllText(Path.Combine(KrakendFixtures.SpecsDirectory, name + ".json"));
        return ConformanceSpec.Parse(name, FixturePorts.Rewrite(text, GatewayPort, Backend.Port));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync().ConfigureAwait(false);
        }

        await Backend.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }
}
