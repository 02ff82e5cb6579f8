using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Cuttle.Config;
using Cuttle.Hosting;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Hosting;

/// <summary>
/// In-process hot reload: real files rewritten on disk, the real watcher, the real listener, continuous traffic.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))] // the leak test counts the process's file descriptors and threads
public sealed class HotReloadTests
{
    /// <summary>Version N: static data {"v":N} merged with a backend that echoes its path /v/N — a mix would show two Ns.</summary>
    private static string Config(string backendUrl, int version, int port = 0) => $$"""
        { "version": 3, "port": {{port}}, "timeout": "2s", "endpoints": [
          { "endpoint": "/api", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/v/{{version}}" } ],
            "extra_config": { "proxy": { "static": { "strategy": "always", "data": { "v": {{version}} } } } } },
          { "endpoint": "/only-in/{{version}}", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/x" } ] } ] }
        """;

    private static Task<FakeBackend> EchoBackend() => FakeBackend.StartAsync(async ctx =>
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync($$"""{"path":"{{ctx.Request.Path}}"}""");
    });

    [Fact]
    public async Task Rewrites_under_load_never_fail_a_request_and_never_mix_generations()
    {
        await using var backend = await EchoBackend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, 0), debug: true); // the cuttle.* details of /__health are shown in debug mode only
        var reloader = new ConfigReloader(gw.Server, gw.ConfigPath);
        await using var watcher = await reloader.StartWatchingAsync(pollInterval: TimeSpan.FromMilliseconds(200));

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<int, int>();
        long ok = 0;
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpResponseMessage r;
                try { r = await gw.Client.GetAsync("/api"); }
                catch (HttpRequestException ex) { failures.Enqueue("transport: " + ex.Message); continue; }
                var body = await r.Content.ReadAsStringAsync();
                if (r.StatusCode != HttpStatusCode.OK) { failures.Enqueue($"{(int)r.StatusCode} {body}"); continue; }
                using var doc = JsonDocument.Parse(body);
                var v = doc.RootElement.GetProperty("v").GetInt32();
                if (doc.RootElement.GetProperty("path").GetString() != $"/v/{v}") failures.Enqueue("mixed generations: " + body);
                seen.AddOrUpdate(v, 1, (_, n) => n + 1);
                Interlocked.Increment(ref ok);
            }
        })).ToArray();

        var last = 0;
        for (var version = 1; version <= 12; version++)
        {
            var json = Config(backend.Url, version);
            switch (version % 4)
            {
                case 0: await File.WriteAllTextAsync(gw.ConfigPath, json); break;                       // in place
                case 1: await AtomicRenameAsync(gw.ConfigPath, json); break;                            // editors, sed -i
                case 2: await File.WriteAllTextAsync(gw.ConfigPath, json[..(json.Length / 2)]); break;  // broken: half a file
                case 3: await AtomicRenameAsync(gw.ConfigPath, "{ \"version\": 2, \"endpoints\": [] }"); break; // refused version
            }
            if (version % 4 is 0 or 1)
            {
                last = version;
                await Eventually(async () => (await gw.Client.GetStringAsync("/api")).Contains($"\"v\":{version}"));
            }
            else
            {
                await Eventually(() => Task.FromResult(gw.Server.Current.Number >= 1 && Health(gw).Result.Contains("last_reload_error\":\"")));
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        Assert.True(ok > 100, $"only {ok} requests completed");
        Assert.True(seen.Count >= 3, "traffic should have seen several generations: " + string.Join(",", seen.Keys));
        Assert.Contains($"\"v\":{last}", await gw.Client.GetStringAsync("/api"));
    }

    [Fact]
    public async Task An_invalid_config_is_rejected_with_its_position_and_fixing_it_reloads()
    {
        await using var backend = await EchoBackend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, 1), debug: true); // the cuttle.* details of /__health are shown in debug mode only
        var reloader = new ConfigReloader(gw.Server, gw.ConfigPath);

        await File.WriteAllTextAsync(gw.ConfigPath, """
            { "version": 3,
              "endpoints": [ { "endpoint": "/x", "backend": [ { "url_pattern": "/y", "host": ["http://a b"] } ] } ] }
            """);
        var rejected = await reloader.ReloadNow();

        Assert.False(rejected.Applied);
        Assert.Contains("krakend.json:2:", rejected.Error);
        Assert.Equal(1, gw.Server.Current.Number);
        Assert.Contains("\"v\":1", await gw.Client.GetStringAsync("/api"));
        var health = await Health(gw);
        Assert.Contains("\"generation\":1", health);
        Assert.Contains("krakend.json:2:", health);

        await File.WriteAllTextAsync(gw.ConfigPath, Config(backend.Url, 2));
        var fixedOutcome = await reloader.ReloadNow();

        Assert.True(fixedOutcome.Applied);
        Assert.Contains("\"v\":2", await gw.Client.GetStringAsync("/api"));
        Assert.Contains("\"last_reload_error\":null", await Health(gw));
        Assert.Equal(HttpStatusCode.NotFound, (await gw.Client.GetAsync("/only-in/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/only-in/2")).StatusCode);
    }

    [Fact]
    public async Task Health_reports_runtime_counters_that_grow_with_requests()
    {
        await using var backend = await EchoBackend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, 1), debug: true); // the cuttle.* details of /__health are shown in debug mode only

        static long Allocated(string health) =>
            JsonDocument.Parse(health).RootElement.GetProperty("cuttle").GetProperty("runtime").GetProperty("allocated_bytes").GetInt64();
        var before = await Health(gw);
        for (var i = 0; i < 50; i++) Assert.Contains("\"v\":1", await gw.Client.GetStringAsync("/api"));
        var after = await Health(gw);

        // bench/run divides this delta by the requests it sent: it must be the process-wide count and move with load.
        Assert.True(Allocated(after) > Allocated(before), $"{Allocated(before)} -> {Allocated(after)}");
        var runtime = JsonDocument.Parse(after).RootElement.GetProperty("cuttle").GetProperty("runtime");
        Assert.True(runtime.GetProperty("heap_bytes").GetInt64() > 0);
        Assert.True(runtime.GetProperty("gen0_collections").GetInt32() >= 0);
    }

    [Fact]
    public async Task A_port_change_rebinds_and_the_old_port_stops_accepting()
    {
        await using var backend = await EchoBackend();
        var firstPort = TestPorts.Closed();
        var dir = Directory.CreateTempSubdirectory("cuttle-rebind-").FullName;
        var path = Path.Combine(dir, "krakend.json");
        await File.WriteAllTextAsync(path, Config(backend.Url, 1, firstPort));
        var server = await GatewayServer.StartAsync(ConfigSource.Load(path).Config!, new ServerOptions { ListenAddress = IPAddress.Loopback });
        try
        {
            using var client = new HttpClient();
            Assert.Contains("\"v\":1", await client.GetStringAsync($"http://127.0.0.1:{firstPort}/api"));

            var secondPort = TestPorts.Closed();
            await File.WriteAllTextAsync(path, Config(backend.Url, 2, secondPort));
            var outcome = await new ConfigReloader(server, path).ReloadNow();

            Assert.True(outcome.Applied, outcome.Error);
            Assert.Equal(secondPort, server.Port);
            Assert.Contains("\"v\":2", await client.GetStringAsync($"http://127.0.0.1:{secondPort}/api"));
            await Eventually(async () =>
            {
                try { using var fresh = new HttpClient(); await fresh.GetAsync($"http://127.0.0.1:{firstPort}/api"); return false; }
                catch (HttpRequestException) { return true; }
            });
        }
        finally
        {
            await server.StopAsync();
            await server.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Many_reloads_do_not_leak_threads_or_file_descriptors()
    {
        await using var backend = await EchoBackend();
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, 0));
        // Warm up, then take the baseline.
        for (var i = 0; i < 20; i++) await gw.Client.GetStringAsync("/api");
        var fdsBefore = Directory.GetFiles("/proc/self/fd").Length;
        var threadsBefore = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;

        for (var version = 1; version <= 200; version++)
        {
            // Alternate the transport settings so half the reloads build a fresh connection pool.
            var json = Config(backend.Url, version).Replace("\"timeout\": \"2s\"", version % 2 == 0 ? "\"timeout\": \"2s\", \"disable_compression\": true" : "\"timeout\": \"2s\"");
            var loaded = ConfigLoader.Parse(System.Text.Encoding.UTF8.GetBytes(json), gw.ConfigPath);
            var outcome = await gw.Server.ReloadAsync(loaded.Config!);
            Assert.True(outcome.Applied, outcome.Error);
            Assert.Contains($"\"v\":{version}", await gw.Client.GetStringAsync("/api"));
        }
        // Retired generations release their pools after draining: what is left connected to the backend is the live
        // generation's pool (sequential requests: one or two connections). Counted from the kernel's TCP table, so other
        // activity of the test process cannot blur it.
        var backendPort = new Uri(backend.Url).Port;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ConnectionsTo(backendPort) > 4 && DateTime.UtcNow < deadline) await Task.Delay(25);
        var connections = ConnectionsTo(backendPort);
        Assert.True(connections <= 4, $"{connections} connections to the backend after 200 reloads");

        // A per-reload leak of descriptors would add 100-200; the margin absorbs whatever else the process opened meanwhile.
        var fdsAfter = Directory.GetFiles("/proc/self/fd").Length;
        Assert.True(fdsAfter <= fdsBefore + 40, $"{fdsBefore} -> {fdsAfter} open descriptors; now: {DescribeDescriptors()}");
        var threadsAfter = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        // The thread pool may add a few workers under the parallel test load; a leak would add one or more per reload (200).
        Assert.InRange(threadsAfter, 0, threadsBefore + 40);
    }

    private static async Task AtomicRenameAsync(string path, string content)
    {
        var tmp = path + ".tmp" + Guid.NewGuid().ToString("N")[..6];
        await File.WriteAllTextAsync(tmp, content);
        File.Move(tmp, path, overwrite: true);
    }

    private static async Task<string> Health(GatewayHarness gw) => await gw.Client.GetStringAsync("/__health");

    /// <summary>Established TCP connections whose remote end is the given local port (IPv4 and IPv6 tables).</summary>
    private static int ConnectionsTo(int port)
    {
        var count = 0;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "  sl  local_address rem_address   st ...": addresses are HEX_IP:HEX_PORT, st 01 is ESTABLISHED.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != "01") continue;
                var remote = fields[2];
                if (Convert.ToInt32(remote[(remote.LastIndexOf(':') + 1)..], 16) == port) count++;
            }
        }
        return count;
    }

    /// <summary>What the process has open, grouped ("socket:" 12, "/dev/null" 1, ...), for a failed leak check.</summary>
    private static string DescribeDescriptors()
    {
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            string target;
            try { target = new FileInfo(fd).LinkTarget ?? "?"; }
            catch (IOException) { continue; }
            var bracket = target.IndexOf('[');
            var kind = bracket > 0 ? target[..bracket] : target;
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
        return string.Join(", ", kinds.Select(k => $"{k.Key} x{k.Value}"));
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(25);
        }
        Assert.True(await condition(), "condition not met in time");
    }
}

/// <summary>Files a configuration pulls in are watched too.</summary>
public sealed class ReferencedFileReloadTests
{
    [Fact]
    public async Task Changing_a_local_jwk_set_reloads_although_krakend_json_is_unchanged()
    {
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var dir = Directory.CreateTempSubdirectory("cuttle-jwk-").FullName;
        var jwk = Path.Combine(dir, "keys.json");
        await File.WriteAllTextAsync(jwk, """{"keys":[{"kty":"oct","kid":"k1","alg":"HS256","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}""");
        var json = $$"""
            { "version": 3, "endpoints": [ { "endpoint": "/private", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ],
              "extra_config": { "auth/validator": { "alg": "HS256", "jwk_local_path": "{{jwk}}", "disable_jwk_security": true } } } ] }
            """;
        await using var gw = await GatewayHarness.StartAsync(json);
        var reloader = new ConfigReloader(gw.Server, gw.ConfigPath);
        await using var watcher = await reloader.StartWatchingAsync(pollInterval: TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, gw.Server.Current.Number);

        await File.WriteAllTextAsync(jwk, """{"keys":[{"kty":"oct","kid":"k2","alg":"HS256","k":"YW5vdGhlci1zZWNyZXQtYW5vdGhlci1zZWNyZXQtYW5vdGhlcg"}]}""");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (gw.Server.Current.Number < 2 && DateTime.UtcNow < deadline) await Task.Delay(25);
        Assert.Equal(2, gw.Server.Current.Number);
        Directory.Delete(dir, recursive: true);
    }
}
