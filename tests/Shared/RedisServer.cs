using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cuttle.Testing;

/// <summary>
/// A real redis-server child process on a free loopback port, with persistence off (<c>--save '' --appendonly
/// no</c>), for tests of the Redis-backed rate limit. <see cref="Stop"/> kills it (as a crash or outage would) and
/// <see cref="Start"/> brings it back on the same port, empty. Tests skip when redis-server is not installed
/// (Debian package redis-server; .ci/run installs it). Disposing kills it, so nothing outlives the test.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process? _process;

    private RedisServer(string executable, int port)
    {
        Executable = executable;
        Port = port;
    }

    public string Executable { get; }

    public int Port { get; }

    /// <summary>host:port, as the redis namespace's address.</summary>
    public string Address => "127.0.0.1:" + Port;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The redis-server on PATH, or null.</summary>
    public static string? Find() => Executables.Find("redis-server", "/usr/bin", "/usr/local/bin", "/usr/sbin");

    /// <summary>Starts one on a free port, or skips the test when redis-server is missing.</summary>
    public static RedisServer StartNew()
    {
        var exe = Find();
        Skip.If(exe is null, "redis-server is not installed (apt-get install redis-server); skipping");
        var server = new RedisServer(exe!, FreePort());
        server.Start();
        return server;
    }

    /// <summary>Starts it (again) on its port and waits until it answers PING.</summary>
    public void Start()
    {
        if (IsRunning)
            return;
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"redis-server exited at start with code {_process.ExitCode} (port {Port} taken?)");
            if (Ping())
                return;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"redis-server on port {Port} did not answer PING within 10s");
    }

    /// <summary>Kills it at once (SIGKILL): connections drop as in a crash.</summary>
    public void Stop()
    {
        if (_process is null)
            return;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>
    /// Freezes it (SIGSTOP): connections stay open but nothing answers, as with a hung server or a network that drops
    /// packets. <see cref="Resume"/> (SIGCONT) lets it answer again.
    /// </summary>
    public void Pause() => Signal("-STOP");

    public void Resume() => Signal("-CONT");

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } p)
            return;
        using var kill = Process.Start("kill", [signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }

    /// <summary>Sends one command (as a RESP array, so arguments may hold spaces) and returns the reply's first line.</summary>
    public string Command(params string[] args)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
            request.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        stream.Write(Encoding.UTF8.GetBytes(request.ToString()));
        var buffer = new byte[4096];
        var n = stream.Read(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n).TrimEnd('\r', '\n');
    }

    private bool Ping()
    {
        try
        {
            return Command("PING") == "+PONG";
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A loopback port nothing listens on (bound then released), for "Redis is unreachable" cases.</summary>
    public static int ClosedPort() => FreePort();

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose() => Stop();
}
