using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// A Lua script that never returns is stopped at the endpoint timeout: the client gets KrakenD's failure answer, other
/// endpoints keep answering while such scripts spin, and no core keeps burning afterwards. The gateway is a child
/// process so that its CPU time can be read from /proc; the class runs alone so that latencies are its own.
/// </summary>
[Collection(nameof(ProcessWideMeasurements))]
public sealed class LuaRunawayTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-lua-").FullName;
    private FakeBackend _backend = null!;
    private CuttleProcess _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        var path = Path.Combine(_dir, "krakend.json");
        await File.WriteAllTextAsync(path, $$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/runaway", "timeout": "500ms", "backend": [ { "host": ["{{_backend.Url}}"], "url_pattern": "/",
                  "extra_config": { "modifier/lua-backend": { "pre": "while true do end" } } } ] },
              { "endpoint": "/runaway-endpoint", "timeout": "500ms",
                "extra_config": { "modifier/lua-endpoint": { "pre": "while true do end" } },
                "backend": [ { "host": ["{{_backend.Url}}"], "url_pattern": "/" } ] },
              { "endpoint": "/plain", "backend": [ { "host": ["{{_backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);
        var port = TestPorts.Closed();
        _gateway = CuttleProcess.Start(_dir, "run", "-c", path, "-p", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await _gateway.WaitForBodyAsync($"http://127.0.0.1:{port}/plain", "ok", TimeSpan.FromSeconds(20)), _gateway.Output);
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("/runaway")]
    [InlineData("/runaway-endpoint")]
    public async Task A_runaway_script_answers_500_at_the_endpoint_timeout(string endpoint)
    {
        var clock = Stopwatch.StartNew();

        using var response = await _client.GetAsync(endpoint);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task Six_runaway_scripts_leave_other_endpoints_answering_and_no_core_busy_after_them()
    {
        var runaways = Enumerable.Range(0, 6).Select(_ => Timed("/runaway")).ToArray();
        await Task.Delay(50);
        var plain = new List<(HttpStatusCode Status, TimeSpan Took)>();
        for (var i = 0; i < 5; i++) plain.Add(await Timed("/plain"));
        var stopped = await Task.WhenAll(runaways);

        Assert.All(plain, p => Assert.Equal(HttpStatusCode.OK, p.Status));
        Assert.All(plain, p => Assert.True(p.Took < TimeSpan.FromMilliseconds(300), $"/plain took {p.Took.TotalMilliseconds} ms"));
        Assert.All(stopped, s => Assert.Equal(HttpStatusCode.InternalServerError, s.Status));
        Assert.All(stopped, s => Assert.True(s.Took < TimeSpan.FromMilliseconds(1500), $"/runaway took {s.Took.TotalMilliseconds} ms"));

        // Every script was stopped: the gateway idles (a spinning one would cost a whole second of CPU per second).
        var before = CpuTime(_gateway.Id);
        await Task.Delay(1000);
        var used = CpuTime(_gateway.Id) - before;
        Assert.True(used < TimeSpan.FromMilliseconds(300), $"{used.TotalMilliseconds} ms of CPU in 1 s");
    }

    private async Task<(HttpStatusCode Status, TimeSpan Took)> Timed(string path)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _client.GetAsync(path);
            return (response.StatusCode, clock.Elapsed);
        }
        catch (TaskCanceledException)
        {
            return (0, clock.Elapsed);
        }
    }

    /// <summary>utime + stime of a process, from /proc/&lt;pid&gt;/stat (fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name, field 3 (state) is index 0: utime (14) is index 11, stime (15) index 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
