using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// The gateway as a real child process, started the way krakend-ce's runner starts KrakenD
/// (<c>run -d -c &lt;config&gt;</c> with <c>USAGE_DISABLE=1</c> and the parent's environment), plus <c>-p</c> for an
/// ephemeral port. Ready when <c>GET /__health</c> answers 200. Output is kept for failure reports.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the gateway printed (stdout and stderr interleaved).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 4000 ? "…" + text[^4000..] : text;
            }
        }
    }

    /// <summary>A free 127.0.0.1 port, found by binding port 0 and releasing it just before the child takes it.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static GatewayProcess Start(string cuttleDll, string configPath, string workingDirectory, int port)
    {
        // CUTTLE_BIN runs the suite against another build, e.g. the NativeAOT binary (bench/run --aot, deploy/).
        var native = Environment.GetEnvironmentVariable("CUTTLE_BIN");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var program = !string.IsNullOrEmpty(native) ? native : string.IsNullOrEmpty(dotnet) ? "dotnet" : dotnet;
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var args = new List<string> { "run", "-d", "-c", configPath, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (string.IsNullOrEmpty(native)) args.Insert(0, cuttleDll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["USAGE_DISABLE"] = "1";
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var gateway = new GatewayProcess(process, port);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Polls <c>/__health</c> until it answers 200, the process exits, or the deadline passes.</summary>
    public async Task<string?> WaitHealthyAsync(TimeSpan deadline)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = Stopwatch.StartNew();
        string last = "no answer yet";
        while (until.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                return $"the gateway exited with code {_process.ExitCode} before /__health answered";
            }

            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{Port}/__health")).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return null;
                }

                last = $"/__health answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException)
            {
                last = "/__health timed out";
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return $"the gateway was not healthy within {deadline.TotalSeconds:0} s ({last})";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (TimeoutException)
        {
            // Leave it to the OS; the test run is ending.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 64_000)
            {
                _output.Remove(0, _output.Length - 32_000);
            }
        }
    }
}
