using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Hot reload benchmark. The same load and the same series of config changes against
//   (a) cuttle run --watch                       (in-process reload)
//   (b) cuttle watch -g krakend.json -s -- cuttle run   (KrakenD's config-watcher approach: restart per change)
// and, for (a), a leak check over many reloads. Prints a Markdown table and writes results JSON.
var inv = CultureInfo.InvariantCulture;
var changes = IntArg("--changes", 20);
var interval = TimeSpan.FromMilliseconds(IntArg("--interval-ms", 1500));
var connections = IntArg("--connections", 8);
var leakReloads = IntArg("--leak-reloads", 500);
var outPath = StrArg("--out", Path.Combine("bench", "results", "reload.json"));
var cuttleDll = Path.Combine(AppContext.BaseDirectory, "cuttle.dll");

await using var backend = await Backend.StartAsync();
var results = new List<ModeResult>
{
    await RunMode("cuttle run --watch (in-process reload)", dir => ["run", "--watch", "-c", Path.Combine(dir, "krakend.json"), "-p", "{port}"]),
    await RunMode("cuttle watch -s -- cuttle run (restart per change)", dir => ["watch", "-g", "krakend.json", "-s", "--", Dotnet(), cuttleDll, "run", "-c", Path.Combine(dir, "krakend.json"), "-p", "{port}"]),
};
var leak = await LeakCheck();

var md = new StringBuilder();
md.AppendLine(inv, $"Config changes: {changes} (every {interval.TotalMilliseconds} ms, atomic rename), {connections} client connections, loopback, {Environment.ProcessorCount} cores shared by client, gateway and backend.");
md.AppendLine();
md.AppendLine("| mode | requests | failed | failed % | write→served median | write→served p99 | req/s during changes |");
md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
    md.AppendLine(inv, $"| {r.Mode} | {r.Requests} | {r.Failed} | {100.0 * r.Failed / Math.Max(1, r.Requests):0.00} | {r.MedianMs:0} ms | {r.P99Ms:0} ms | {r.Throughput:0} |");
md.AppendLine();
md.AppendLine(inv, $"Leak check, `cuttle run --watch` after {leak.Reloads} reloads (every other one with new transport settings, so a new connection pool) under load:");
md.AppendLine();
md.AppendLine("| | before | after | growth |");
md.AppendLine("|---|---:|---:|---:|");
md.AppendLine(inv, $"| open file descriptors | {leak.FdBefore} | {leak.FdAfter} | {leak.FdAfter - leak.FdBefore} |");
md.AppendLine(inv, $"| TCP sockets | {leak.SocketsBefore} | {leak.SocketsAfter} | {leak.SocketsAfter - leak.SocketsBefore} |");
md.AppendLine(inv, $"| threads | {leak.ThreadsBefore} | {leak.ThreadsAfter} | {leak.ThreadsAfter - leak.ThreadsBefore} |");
md.AppendLine(inv, $"| RSS (MB) | {leak.RssBeforeMb:0.0} | {leak.RssAfterMb:0.0} | {leak.RssAfterMb - leak.RssBeforeMb:0.0} |");
md.AppendLine(inv, $"| failed requests during the reloads | | {leak.Failed} of {leak.Requests} | |");
Console.WriteLine(md.ToString());
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(new { results, leak, markdown = md.ToString() }, new JsonSerializerOptions { WriteIndented = true, TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() }));
await File.WriteAllTextAsync(Path.ChangeExtension(outPath, ".md"), md.ToString());
return 0;

async Task<ModeResult> RunMode(string mode, Func<string, string[]> args)
{
    var dir = Directory.CreateTempSubdirectory("cuttle-reload-bench-").FullName;
    var port = FreePort();
    var cfg = Path.Combine(dir, "krakend.json");
    await File.WriteAllTextAsync(cfg, Config(backend.Url, 0, port));
    var argv = args(dir).Select(a => a.Replace("{port}", port.ToString(inv), StringComparison.Ordinal)).ToArray();
    using var proc = Start(dir, argv);
    var url = $"http://127.0.0.1:{port}/api";
    await WaitFor(url, "\"v\":0", TimeSpan.FromSeconds(30));

    using var stop = new CancellationTokenSource();
    var load = new Load(url, connections);
    var loadTask = load.RunAsync(stop.Token);
    await Task.Delay(1000);
    var latencies = new List<double>();
    var sw = Stopwatch.StartNew();
    var before = load.Ok + load.Failed;
    for (var v = 1; v <= changes; v++)
    {
        var tmp = cfg + ".tmp";
        await File.WriteAllTextAsync(tmp, Config(backend.Url, v, port));
        var written = Stopwatch.GetTimestamp();
        File.Move(tmp, cfg, overwrite: true);
        var seen = await load.WaitForVersion(v, TimeSpan.FromSeconds(30));
        latencies.Add(seen ? (load.VersionSeenAt(v) - written) * 1000.0 / Stopwatch.Frequency : double.NaN);
        var remaining = interval - Stopwatch.GetElapsedTime(written);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
    }
    var elapsed = sw.Elapsed.TotalSeconds;
    var served = load.Ok + load.Failed - before;
    await stop.CancelAsync();
    await loadTask;
    Stop(proc);
    Directory.Delete(dir, recursive: true);
    var valid = latencies.Where(l => !double.IsNaN(l)).OrderBy(l => l).ToList();
    return new ModeResult(mode, load.Ok + load.Failed, load.Failed, Percentile(valid, 50), Percentile(valid, 99), load.Ok / Math.Max(1, elapsed + 1), latencies.Count(double.IsNaN), served / elapsed);
}

async Task<LeakResult> LeakCheck()
{
    var dir = Directory.CreateTempSubdirectory("cuttle-reload-leak-").FullName;
    var port = FreePort();
    var cfg = Path.Combine(dir, "krakend.json");
    await File.WriteAllTextAsync(cfg, Config(backend.Url, 0, port));
    using var proc = Start(dir, ["run", "-c", cfg, "-p", port.ToString(inv)]);
    var url = $"http://127.0.0.1:{port}/api";
    await WaitFor(url, "\"v\":0", TimeSpan.FromSeconds(30));
    using var stop = new CancellationTokenSource();
    var load = new Load(url, 4);
    var loadTask = load.RunAsync(stop.Token);
    await Task.Delay(2000);
    var (fd0, sock0, thr0, rss0) = Sample(proc.Id);
    for (var v = 1; v <= leakReloads; v++)
    {
        var extra = v % 2 == 0 ? ", \"disable_compression\": true" : "";
        await File.WriteAllTextAsync(cfg, Config(backend.Url, v, port, extra));
        Signal(proc.Id, 1); // SIGHUP
        if (!await load.WaitForVersion(v, TimeSpan.FromSeconds(10))) throw new InvalidOperationException($"reload {v} not served");
    }
    await Task.Delay(TimeSpan.FromSeconds(35)); // retired generations drain (30 s bound) and release their pools
    var (fd1, sock1, thr1, rss1) = Sample(proc.Id);
    await stop.CancelAsync();
    await loadTask;
    Stop(proc);
    Directory.Delete(dir, recursive: true);
    return new LeakResult(leakReloads, fd0, fd1, sock0, sock1, thr0, thr1, rss0, rss1, load.Failed, load.Ok + load.Failed);
}

static (int Fds, int Sockets, int Threads, double RssMb) Sample(int pid)
{
    var fds = Directory.GetFiles($"/proc/{pid}/fd");
    var sockets = 0;
    foreach (var fd in fds)
    {
        try { if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true) sockets++; }
        catch (IOException) { }
    }
    var status = File.ReadAllLines($"/proc/{pid}/status");
    int threads = 0; double rss = 0;
    foreach (var line in status)
    {
        if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
    }
    return (fds.Length, sockets, threads, rss);
}

static string Config(string backendUrl, int version, int port, string extra = "") => $$"""
    { "version": 3, "port": {{port}}, "timeout": "2s"{{extra}}, "endpoints": [
      { "endpoint": "/api", "backend": [ { "host": ["{{backendUrl}}"], "url_pattern": "/v/{{version}}" } ],
        "extra_config": { "proxy": { "static": { "strategy": "always", "data": { "v": {{version}} } } } } } ] }
    """;

static double Percentile(List<double> sorted, int p)
{
    if (sorted.Count == 0) return double.NaN;
    var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
    return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
}

static string Dotnet() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";

Process Start(string dir, string[] argv)
{
    var psi = new ProcessStartInfo(Dotnet()) { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(cuttleDll);
    foreach (var a in argv) psi.ArgumentList.Add(a);
    var p = Process.Start(psi)!;
    p.OutputDataReceived += (_, _) => { };
    p.ErrorDataReceived += (_, _) => { };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

static void Stop(Process p)
{
    if (p.HasExited) return;
    Signal(p.Id, 15);
    if (!p.WaitForExit(10_000)) p.Kill(entireProcessTree: true);
}

static void Signal(int pid, int sig) => Process.Start("kill", [$"-{sig}", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

static async Task WaitFor(string url, string expected, TimeSpan timeout)
{
    using var c = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed < timeout)
    {
        try { if ((await c.GetStringAsync(url)).Contains(expected, StringComparison.Ordinal)) return; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        await Task.Delay(50);
    }
    throw new TimeoutException($"{url} did not serve {expected}");
}

static int FreePort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    var p = ((IPEndPoint)l.LocalEndpoint).Port;
    l.Stop();
    return p;
}

int IntArg(string name, int def) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : def;
string StrArg(string name, string def) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : def;

internal sealed record ModeResult(string Mode, long Requests, long Failed, double MedianMs, double P99Ms, double OkPerSecond, int NeverServed, double Throughput);

internal sealed record LeakResult(int Reloads, int FdBefore, int FdAfter, int SocketsBefore, int SocketsAfter, int ThreadsBefore, int ThreadsAfter, double RssBeforeMb, double RssAfterMb, long Failed, long Requests);

/// <summary>Closed-loop load: N connections each sending one request after the other, recording versions seen.</summary>
internal sealed class Load(string url, int connections)
{
    private long _ok;
    private long _failed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _firstSeen = new();

    public long Ok => Interlocked.Read(ref _ok);
    public long Failed => Interlocked.Read(ref _failed);
    public long VersionSeenAt(int v) => _firstSeen.TryGetValue(v, out var t) ? t : 0;

    public async Task RunAsync(CancellationToken ct)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = TimeSpan.FromSeconds(5) };
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    using var r = await client.GetAsync(url, CancellationToken.None);
                    var body = await r.Content.ReadAsStringAsync(CancellationToken.None);
                    var now = Stopwatch.GetTimestamp();
                    if (r.StatusCode != HttpStatusCode.OK) { Interlocked.Increment(ref _failed); continue; }
                    Interlocked.Increment(ref _ok);
                    var i = body.IndexOf("\"v\":", StringComparison.Ordinal);
                    if (i >= 0)
                    {
                        var end = i + 4;
                        while (end < body.Length && char.IsDigit(body[end])) end++;
                        var v = int.Parse(body.AsSpan(i + 4, end - i - 4), CultureInfo.InvariantCulture);
                        _firstSeen.TryAdd(v, now);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref _failed);
                    await Task.Delay(5, CancellationToken.None); // a refused connection fails instantly: do not spin
                }
            }
        })));
    }

    public async Task<bool> WaitForVersion(int v, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (_firstSeen.ContainsKey(v)) return true;
            await Task.Delay(2);
        }
        return false;
    }
}

/// <summary>A fixed fast backend on loopback answering {"path":...}.</summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Backend(WebApplication app, string url) { _app = app; Url = url; }
    public string Url { get; }

    public static async Task<Backend> StartAsync()
    {
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        var app = b.Build();
        app.Run(ctx => { ctx.Response.ContentType = "application/json"; return ctx.Response.WriteAsync("{\"path\":\"" + ctx.Request.Path + "\"}"); });
        await app.StartAsync();
        return new Backend(app, app.Urls.First());
    }

    public async ValueTask DisposeAsync() { await _app.StopAsync(); await _app.DisposeAsync(); }
}
