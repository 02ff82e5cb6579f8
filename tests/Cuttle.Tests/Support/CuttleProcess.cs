using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Cuttle.Tests.Support;

/// <summary>The built `cuttle` CLI as a real child process (cuttle.dll sits in the test output directory).</summary>
public sealed partial class CuttleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CuttleProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static CuttleProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    /// <summary>Starts it with extra environment variables.</summary>
    public static CuttleProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(workingDirectory, environment, null, args);

    /// <summary>
    /// Starts it with at most <paramref name="descriptorLimit"/> open file descriptors (`ulimit -n`, then exec: the
    /// process id is the gateway's own).
    /// </summary>
    public static CuttleProcess StartWithDescriptorLimit(string workingDirectory, int descriptorLimit, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(workingDirectory, environment, descriptorLimit, args);

    private static CuttleProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, int? descriptorLimit, string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "cuttle.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(dotnet)) dotnet = "dotnet";
        var psi = new ProcessStartInfo(descriptorLimit is null ? dotnet : "bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (descriptorLimit is { } limit)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"ulimit -n {limit} && exec \"$0\" \"$@\"");
            psi.ArgumentList.Add(dotnet);
        }
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("KRAKEND_PORT");
        psi.Environment.Remove("KRAKEND_CONFIG");
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var p = new CuttleProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (p._output) p._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (p._output) p._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    public void Signal(int signal)
    {
        if (!_process.HasExited) _ = Kill(_process.Id, signal);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Polls until GET url answers 200 with a body containing <paramref name="expected"/>.</summary>
    public async Task<bool> WaitForBodyAsync(string url, string expected, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                var r = await client.GetAsync(url);
                if (r.IsSuccessStatusCode && (await r.Content.ReadAsStringAsync()).Contains(expected, StringComparison.Ordinal)) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGTERM = 15;
}
