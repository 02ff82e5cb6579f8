using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cuttle.Hosting;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.LiveConsole;

/// <summary>The console's listener and JSON APIs over real sockets: off by default, following reloads, auth, no secrets.</summary>
public sealed class ConsoleApiTests
{
    private static string Config(string backend, string console = "", string extra = "") => $$"""
        {
          "version": 3,
          "extra_config": { {{console}}{{(console.Length > 0 && extra.Length > 0 ? "," : "")}}{{extra}} },
          "endpoints": [
            { "endpoint": "/a", "backend": [ { "host": ["{{backend}}"], "url_pattern": "/a" } ] },
            { "endpoint": "/b", "backend": [ { "host": ["{{backend}}"], "url_pattern": "/b" } ] }
          ]
        }
        """;

    private static async Task<HttpResponseMessage> Get(int port, string path, AuthenticationHeaderValue? auth = null)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        request.Headers.Authorization = auth;
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> Json(int port, string path)
    {
        using var response = await Get(port, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task Reload(GatewayHarness gw, string json)
    {
        await File.WriteAllTextAsync(gw.ConfigPath, json);
        var outcome = await new ConfigReloader(gw.Server, gw.ConfigPath).ReloadNow();
        Assert.True(outcome.Applied, outcome.Error);
    }

    private static bool Refuses(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Off_ByDefault_NoListener_AndNoCountersOnTheRequestPath()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url));
        for (var i = 0; i < 3; i++) (await gw.Client.GetAsync("/a")).Dispose();

        Assert.Equal(0, gw.Server.LiveConsole.Port);
        Assert.Empty(gw.Server.LiveConsole.Registry.Endpoints());
        Assert.Empty(gw.Server.LiveConsole.Registry.Backends());
        // The history is kept all the same, so a console a reload turns on shows it from the start.
        Assert.Equal("started", gw.Server.LiveConsole.History.View().Reloads[0].Outcome);
    }

    [Fact]
    public async Task AReload_TurnsItOn_RebindsIt_AndTurnsItOff_AndTheCountersFollow()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url));
        var console = gw.Server.LiveConsole;

        await Reload(gw, Config(backend.Url, """ "cuttle/console": { "listen_address": "127.0.0.1:0" } """));
        var first = console.Port;
        Assert.True(first > 0);
        (await gw.Client.GetAsync("/a")).Dispose();
        var traffic = await Json(first, "/api/traffic");
        Assert.Equal(1, traffic.GetProperty("endpoints")[0].GetProperty("figures").GetProperty("requests").GetInt32());
        Assert.Equal("GET /a", traffic.GetProperty("endpoints")[0].GetProperty("key").GetString());

        var moved = TestPorts.Closed();
        await Reload(gw, Config(backend.Url, $$""" "cuttle/console": { "listen_address": "127.0.0.1:{{moved}}" } """));
        Assert.Equal(moved, console.Port);
        var generation = await Json(moved, "/api/generation");
        Assert.Equal(3, generation.GetProperty("number").GetInt32());
        Assert.True(Refuses(first), "the old console address still accepts connections");
        // The counters carried over the rebind.
        Assert.Equal(1, (await Json(moved, "/api/traffic")).GetProperty("total").GetProperty("requests").GetInt32());

        await Reload(gw, Config(backend.Url));
        Assert.Equal(0, console.Port);
        Assert.True(Refuses(moved), "the console still listens after its block was removed");
        Assert.Empty(console.Registry.Endpoints());
    }

    [Fact]
    public async Task WithTelemetryMetrics_TheFiguresComeFromItsCollector_AndTheConsoleAddsNoCounters()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        var json = Config(backend.Url, """ "cuttle/console": { "listen_address": "127.0.0.1:0" } """,
            """ "telemetry/metrics": { "listen_address": "127.0.0.1:0", "collection_time": "1h" } """);
        await using var gw = await GatewayHarness.StartAsync(json);
        for (var i = 0; i < 4; i++) (await gw.Client.GetAsync("/a")).Dispose();

        Assert.Empty(gw.Server.LiveConsole.Registry.Endpoints());
        var traffic = await Json(gw.Server.LiveConsole.Port, "/api/traffic");
        Assert.StartsWith("telemetry/metrics", traffic.GetProperty("source").GetString());
        var a = traffic.GetProperty("endpoints")[0];
        Assert.Equal(4, a.GetProperty("figures").GetProperty("requests").GetInt32());
        Assert.Equal(4, a.GetProperty("status2xx").GetInt32());
        Assert.True(a.GetProperty("figures").GetProperty("p99_ms").GetDouble() > 0);
        Assert.Equal(4, traffic.GetProperty("backends")[0].GetProperty("figures").GetProperty("requests").GetInt32());
    }

    [Fact]
    public async Task CliAddress_TurnsItOn_WithoutTheBlock()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        var dir = Directory.CreateTempSubdirectory("cuttle-test-").FullName;
        var path = Path.Combine(dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config(backend.Url));
        var loaded = ConfigSource.Load(path);
        await using var server = await GatewayServer.StartAsync(loaded.Config!, new ServerOptions
        {
            PortOverride = 0,
            ListenAddress = IPAddress.Loopback,
            ConsoleAddress = "127.0.0.1:0",
        });
        try
        {
            Assert.True(server.LiveConsole.Port > 0);
            var routes = (await Json(server.LiveConsole.Port, "/api/generation")).GetProperty("routes");
            Assert.Equal(["/a", "/b"], routes.EnumerateArray().Select(r => r.GetProperty("endpoint").GetString()));
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Auth_TokenAndBasic_FromTheEnvironment_AndFailsClosedWhenTheVariableIsEmpty()
    {
        var tokenEnv = "CUTTLE_TEST_CONSOLE_TOKEN_" + Guid.NewGuid().ToString("N");
        var passwordEnv = "CUTTLE_TEST_CONSOLE_PASSWORD_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "t0ken-value");
        Environment.SetEnvironmentVariable(passwordEnv, "pa55-value");
        try
        {
            await using var backend = await FakeBackend.JsonAsync("{}");
            var block = $$""" "cuttle/console": { "listen_address": "127.0.0.1:0", "token_env": "{{tokenEnv}}", "basic_auth": { "user": "ops", "password_env": "{{passwordEnv}}" } } """;
            await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, block));
            var port = gw.Server.LiveConsole.Port;

            using (var none = await Get(port, "/api/generation"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
                Assert.Equal("Basic", none.Headers.WwwAuthenticate.Single().Scheme);
            }
            using (var wrong = await Get(port, "/", new AuthenticationHeaderValue("Bearer", "nope"))) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            using (var bearer = await Get(port, "/api/generation", new AuthenticationHeaderValue("Bearer", "t0ken-value"))) Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:pa55-value"));
            using (var ok = await Get(port, "/", new AuthenticationHeaderValue("Basic", basic))) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var badBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:guess"));
            using (var bad = await Get(port, "/", new AuthenticationHeaderValue("Basic", badBasic))) Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);

            // The variable emptied: the next apply refuses everything rather than serving without auth.
            Environment.SetEnvironmentVariable(tokenEnv, null);
            await Reload(gw, Config(backend.Url, block, """ "cuttle/x": {} """));
            using var closed = await Get(port, "/api/generation", new AuthenticationHeaderValue("Basic", basic));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, closed.StatusCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(tokenEnv, null);
            Environment.SetEnvironmentVariable(passwordEnv, null);
        }
    }

    [Fact]
    public async Task NoApi_ShowsASecret()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        var extra = """
            "auth/client-credentials": { "client_id": "id", "client_secret": "sup3r-client-secret", "token_url": "http://127.0.0.1:1/t" },
            "redis": { "connection_pools": [ { "name": "shared", "address": "127.0.0.1:1", "password": "r3dis-password" } ] }
            """;
        var json = Config(backend.Url, """ "cuttle/console": { "listen_address": "127.0.0.1:0" } """, extra)
            .Replace($"\"host\": [\"{backend.Url}\"], \"url_pattern\": \"/b\"", "\"host\": [\"http://svc:hunter2-pass@127.0.0.1:1\"], \"url_pattern\": \"/b?api_key=k3y-value\", \"disable_host_sanitize\": true", StringComparison.Ordinal);
        await using var gw = await GatewayHarness.StartAsync(json);
        var port = gw.Server.LiveConsole.Port;
        // A rejected reload whose error quotes a secret-looking value.
        await File.WriteAllTextAsync(gw.ConfigPath, json.Replace("\"password\": \"r3dis-password\"", "\"password\": \"r3dis-password\", \"db\": \"zero\"", StringComparison.Ordinal));
        await new ConfigReloader(gw.Server, gw.ConfigPath).ReloadNow();

        foreach (var path in new[] { "/", "/api/generation", "/api/reloads", "/api/traffic", "/api/watcher" })
        {
            using var response = await Get(port, path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var secret in new[] { "sup3r-client-secret", "r3dis-password", "hunter2", "k3y-value" }) Assert.DoesNotContain(secret, body);
        }
        Assert.Contains("xxxxx", (await Json(port, "/api/generation")).GetRawText());
    }

    [Fact]
    public async Task Events_StreamTraffic_AndAReloadEventSoonAfterASwap()
    {
        await using var backend = await FakeBackend.JsonAsync("{}");
        var block = """ "cuttle/console": { "listen_address": "127.0.0.1:0" } """;
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, block));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync($"http://127.0.0.1:{gw.Server.LiveConsole.Port}/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        async Task<(string Name, JsonElement Data)> Next()
        {
            string? name = null;
            while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null) return (name, JsonDocument.Parse(line[6..]).RootElement.Clone());
            }
            throw new EndOfStreamException();
        }

        var seen = new HashSet<string>();
        while (seen.Count < 2) seen.Add((await Next()).Name);
        Assert.Equal(["reload", "traffic"], seen.Order());

        await File.WriteAllTextAsync(gw.ConfigPath, Config(backend.Url, block).Replace("\"/b\"", "\"/c\"", StringComparison.Ordinal));
        await new ConfigReloader(gw.Server, gw.ConfigPath).ReloadNow();
        var swapped = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (name, data) = await Next();
            if (name == "reload" && data.GetProperty("generation").GetInt32() == 2) break;
        }
        Assert.True(swapped.Elapsed < TimeSpan.FromSeconds(2), $"the reload event came {swapped.Elapsed.TotalMilliseconds:0} ms after the swap");
        var reloads = await Json(gw.Server.LiveConsole.Port, "/api/reloads");
        var last = reloads.GetProperty("reloads")[0];
        Assert.Equal("applied", last.GetProperty("outcome").GetString());
        Assert.Equal(["GET /c"], last.GetProperty("diff").GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["GET /b"], last.GetProperty("diff").GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
    }
}
