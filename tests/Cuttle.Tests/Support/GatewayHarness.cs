using System.Net;
using Cuttle.Hosting;

namespace Cuttle.Tests.Support;

/// <summary>Starts the real gateway (Kestrel, generations, pipelines) on 127.0.0.1 with an ephemeral port.</summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    private readonly string _dir;

    private GatewayHarness(GatewayServer server, string dir, string configPath)
    {
        Server = server;
        _dir = dir;
        ConfigPath = configPath;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
    }

    internal GatewayServer Server { get; }
    public HttpClient Client { get; }
    public string ConfigPath { get; }
    public int Port => Server.Port;

    /// <summary>
    /// Writes the configuration to a temporary file named <c>fileName</c> (its extension picks the syntax) and serves it;
    /// <paramref name="time"/> replaces the clock the pipelines read (token expiry, caches), not Kestrel's.
    /// </summary>
    public static async Task<GatewayHarness> StartAsync(string json, bool debug = false, bool kestrelSocketTransport = false, string fileName = "krakend.json", TimeProvider? time = null)
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-test-").FullName;
        var path = Path.Combine(dir, fileName);
        await File.WriteAllTextAsync(path, json);
        var loaded = ConfigSource.Load(path);
        if (!loaded.Success) throw new InvalidOperationException("test config invalid: " + string.Join("\n", loaded.Diagnostics));
        var server = await GatewayServer.StartAsync(loaded.Config!, new ServerOptions
        {
            Debug = debug,
            PortOverride = 0,
            ListenAddress = IPAddress.Loopback,
            DrainTimeout = TimeSpan.FromSeconds(5),
            KestrelSocketTransport = kestrelSocketTransport,
            TimeProvider = time ?? TimeProvider.System,
        });
        return new GatewayHarness(server, dir, path);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.StopAsync();
        await Server.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
