using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cuttle.Tests.Differential;

/// <summary>The client whose view of a backend the gateway's answers are measured against.</summary>
public interface IReferenceClient : IAsyncDisposable
{
    /// <summary>"go1.19.8" or "sockets" (the fallback).</summary>
    string Name { get; }

    /// <summary>The id side letter of its exchanges.</summary>
    char Side { get; }

    Task<Dictionary<string, Outcome>> RunAsync(IReadOnlyList<ExchangeRequest> requests, CancellationToken ct);
}

/// <summary>
/// Go's net/http (the client KrakenD is built on): reference/main.go, built once with `go build` into a temp
/// directory keyed by the source's hash, run as one long-lived child process fed exchanges on stdin.
/// </summary>
public sealed class GoReferenceClient : IReferenceClient
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private GoReferenceClient(Process process, string version)
    {
        _process = process;
        Name = version;
    }

    public string Name { get; }
    public char Side => 'g';

    /// <summary>The built reference client, or null (with the reason) when Go is not installed or the build fails.</summary>
    public static GoReferenceClient? TryStart(int concurrency, TimeSpan timeout, out string reason)
    {
        var go = FindGo();
        if (go is null)
        {
            reason = "go is not on PATH (Debian: apt-get install golang-go)";
            return null;
        }
        var source = Path.Combine(AppContext.BaseDirectory, "Differential", "reference", "main.go");
        if (!File.Exists(source))
        {
            reason = "reference/main.go is not next to the tests: " + source;
            return null;
        }
        var version = Run(go, ["env", "GOVERSION"], null).Trim();
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(source) + version)))[..16];
        var dir = Path.Combine(Path.GetTempPath(), "cuttle-diffref-" + hash);
        var binary = Path.Combine(dir, "refclient");
        if (!File.Exists(binary))
        {
            Directory.CreateDirectory(dir);
            var part = binary + "." + Environment.ProcessId + ".part";
            var output = Run(go, ["build", "-o", part, source], dir);
            if (!File.Exists(part))
            {
                reason = "go build failed: " + output;
                return null;
            }
            File.Move(part, binary, overwrite: true);
        }
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("-timeout");
        psi.ArgumentList.Add(((long)timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms");
        var process = Process.Start(psi)!;
        // Go's log ("Unsolicited response received on idle HTTP channel") goes to stderr: drained, not needed.
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        reason = "";
        return new GoReferenceClient(process, version);
    }

    private static string? FindGo()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "go"))) return Path.Combine(dir, "go");
        }
        return File.Exists("/usr/lib/go/bin/go") ? "/usr/lib/go/bin/go" : null;
    }

    private static string Run(string file, string[] args, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        // A build needs a writable cache even where HOME is not set.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOCACHE")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME")))
            psi.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "cuttle-diffref-gocache");
        psi.Environment["GO111MODULE"] = "off";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return stdout.Result + stderr.Result;
    }

    public async Task<Dictionary<string, Outcome>> RunAsync(IReadOnlyList<ExchangeRequest> requests, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var writer = Task.Run(async () =>
            {
                var sb = new StringBuilder();
                foreach (var r in requests) sb.Append(r.Id).Append(' ').Append(r.Url).Append('\n');
                sb.Append("flush\n");
                await _process.StandardInput.WriteAsync(sb.ToString());
                await _process.StandardInput.FlushAsync(ct);
            }, ct);
            var results = new Dictionary<string, Outcome>(requests.Count);
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(ct) ?? throw new InvalidOperationException("the Go reference client exited");
                var o = JsonSerializer.Deserialize<GoOutcome>(line, GoOutcome.Options)!;
                if (o.Id == "flush") break;
                results[o.Id] = new Outcome(o.Id, o.Stage switch { "ok" => Stage.Ok, "body" => Stage.Body, _ => Stage.Head }, o.Status, o.Body ?? [], o.Err);
            }
            await writer;
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record GoOutcome(string Id, string? Stage, int Status, byte[]? Body, string? Err)
    {
        public static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception)
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
        }
        _process.Dispose();
        _gate.Dispose();
    }
}

/// <summary>
/// The fallback reference when Go is missing: .NET's SocketsHttpHandler with gzip decoding (Go's transport decodes
/// gzip it asked for). Weaker (it is not what KrakenD runs) but independent of the gateway's own lean client.
/// </summary>
public sealed class SocketsReferenceClient(int concurrency, TimeSpan timeout) : IReferenceClient
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.GZip,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public string Name => "SocketsHttpHandler";
    public char Side => 's';

    public Task<Dictionary<string, Outcome>> RunAsync(IReadOnlyList<ExchangeRequest> requests, CancellationToken ct) =>
        HttpExchanges.RunAsync(_client, requests, concurrency, timeout, ct);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Runs exchanges through an HttpClient, at most <c>concurrency</c> at once, each within <c>timeout</c>.</summary>
public static class HttpExchanges
{
    public static async Task<Dictionary<string, Outcome>> RunAsync(HttpClient client, IReadOnlyList<ExchangeRequest> requests, int concurrency, TimeSpan timeout, CancellationToken ct)
    {
        var results = new Outcome[requests.Count];
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count) results[i] = await OneAsync(client, requests[i], timeout, ct);
        }
        var workers = new Task[Math.Min(concurrency, Math.Max(1, requests.Count))];
        for (var w = 0; w < workers.Length; w++) workers[w] = Task.Run(Worker, ct);
        await Task.WhenAll(workers);
        var map = new Dictionary<string, Outcome>(requests.Count);
        foreach (var o in results) map[o.Id] = o;
        return map;
    }

    private static async Task<Outcome> OneAsync(HttpClient client, ExchangeRequest request, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(request.Url, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return new Outcome(request.Id, Stage.Head, 0, [], Describe(ex)) { Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started) };
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var body = new MemoryStream();
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
                await stream.CopyToAsync(body, cts.Token);
                return new Outcome(request.Id, Stage.Ok, status, body.ToArray(), null) { Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started) };
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or InvalidDataException)
            {
                return new Outcome(request.Id, Stage.Body, status, body.ToArray(), Describe(ex)) { Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started) };
            }
        }
    }

    private static string Describe(Exception ex) => ex.InnerException is { } inner ? ex.Message + " <- " + inner.Message : ex.Message;
}
