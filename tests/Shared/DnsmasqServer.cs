using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cuttle.Testing;

/// <summary>
/// A real dnsmasq child process serving given records (<c>--srv-host</c>, <c>--host-record</c>, ...) on 127.0.0.1 and a
/// free port (UDP and TCP), with no upstream, no hosts file and no config file, so it answers only for those records
/// (names under <c>test.</c> it does not know are NXDOMAIN). <see cref="Restart"/> serves new records on the same port,
/// as a record change would. Tests skip when dnsmasq is not installed (Debian package dnsmasq; .ci/run installs it).
/// </summary>
public sealed class DnsmasqServer : IDisposable
{
    private Process? _process;

    private DnsmasqServer(string executable, int port)
    {
        Executable = executable;
        Port = port;
    }

    public string Executable { get; }

    public int Port { get; }

    public IPEndPoint Endpoint => new(IPAddress.Loopback, Port);

    /// <summary>Its output so far (start-up lines and errors), for assertion messages.</summary>
    public string Output { get; private set; } = "";

    /// <summary>The dnsmasq on PATH or in /usr/sbin, or null.</summary>
    public static string? Find() => Executables.Find("dnsmasq", "/usr/sbin", "/usr/bin", "/usr/local/sbin");

    /// <summary>Starts one serving <paramref name="records"/> (dnsmasq options), or skips the test when dnsmasq is missing.</summary>
    public static DnsmasqServer StartNew(params string[] records)
    {
        var exe = Find();
        Skip.If(exe is null, "dnsmasq is not installed (apt-get install dnsmasq); skipping");
        for (var attempt = 0; ; attempt++)
        {
            var server = new DnsmasqServer(exe!, FreePort());
            try
            {
                server.Start(records);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                server.Dispose(); // the port was taken between picking and binding: try another
            }
        }
    }

    /// <summary>Stops it and starts it again on the same port with new records.</summary>
    public void Restart(params string[] records)
    {
        Stop();
        Start(records);
    }

    private void Start(string[] records)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --keep-in-foreground, not --no-daemon: in debug mode dnsmasq answers TCP queries in its only process, so one
        // client keeping a TCP connection open (as DNS clients may, after a truncated answer) stalls every later query.
        // An empty --pid-file writes none, so instances never share /run/dnsmasq.pid.
        string[] args =
        [
            "--keep-in-foreground", "--log-facility=-", "--pid-file=", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
            "--port=" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--listen-address=127.0.0.1",
            "--bind-interfaces", "--local=/test/",
        ];
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        // As root dnsmasq drops to the user "dnsmasq" (or nobody); staying root avoids depending on that account.
        if (Environment.UserName == "root")
        {
            psi.ArgumentList.Add("--user=root");
            psi.ArgumentList.Add("--group=root");
        }
        foreach (var r in records)
            psi.ArgumentList.Add(r);
        var output = new System.Text.StringBuilder();
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (output) Output = output.ToString();
            if (_process.HasExited)
                throw new InvalidOperationException($"dnsmasq exited at start with code {_process.ExitCode}: {Output}");
            if (Listening())
                return;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"dnsmasq on port {Port} did not listen within 10s: {Output}");
    }

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

    public void Dispose() => Stop();

    private bool Listening()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A port free for both UDP and TCP on loopback (bound then released).</summary>
    private static int FreePort()
    {
        while (true)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
