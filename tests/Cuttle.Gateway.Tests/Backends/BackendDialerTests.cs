using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends;
using Cuttle.Gateway.Backends.Http1;
using Cuttle.Testing;

namespace Cuttle.Gateway.Tests.Backends;

/// <summary>
/// dialer_keep_alive and dialer_fallback_delay as Go's net.Dialer applies them, on both backend clients: the
/// keep-alive timer is read from the kernel's table of the client's own socket, and the Happy Eyeballs race runs
/// against a primary address that never answers (an IPv6 loopback listener whose accept queue is full, so its SYNs
/// are dropped) and an IPv4 loopback fallback that does.
/// </summary>
public sealed class BackendDialerTests
{
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(4);

    /// <summary>Serves keep-alive responses until the client closes, and reports each connection's client port.</summary>
    private static Func<RawConnection, int, Task> KeepAlive(TaskCompletionSource<int>? clientPort = null) => async (c, _) =>
    {
        clientPort?.TrySetResult(c.RemotePort);
        while (await c.ReadRequestAsync() is not null)
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    };

    private static BackendRequest Get(string host, int port)
    {
        var authority = host + ":" + port;
        return new BackendRequest { Method = "GET", Url = "http://" + authority + "/", PathStart = "http://".Length + authority.Length, Authority = authority };
    }

    /// <summary>The keep-alive timer of the client socket with this local port: (kind, ticks of 1/100 s left), from /proc/net/tcp.</summary>
    private static (int Timer, long When) KeepAliveTimer(int localPort)
    {
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (Convert.ToInt32(f[1][(f[1].IndexOf(':') + 1)..], 16) != localPort || f[3] != "01") continue; // 01: established
                var timer = f[5].Split(':'); // "tr:tm->when": 2 is the keep-alive timer, 0 none
                return (Convert.ToInt32(timer[0], 16), Convert.ToInt64(timer[1], 16));
            }
        }
        throw new InvalidOperationException($"no established connection from port {localPort}");
    }

    private static async Task<(int Timer, long When)> LeanConnectionTimer(TimeSpan keepAlive)
    {
        var clientPort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(KeepAlive(clientPort));
        using var client = new LeanHttpClient(new LeanClientOptions { Dialer = new BackendDialer(DialTimeout, keepAlive, TimeSpan.Zero) });
        using (var response = await client.SendAsync(client.GetPool("127.0.0.1", backend.Port), Get("127.0.0.1", backend.Port), CancellationToken.None))
            Assert.Equal(200, response.StatusCode);
        return KeepAliveTimer(await clientPort.Task);
    }

    [Fact]
    public async Task Own_client_connections_keep_alive_as_go_dials_them_configured_15s_when_unset_and_off_when_negative()
    {
        var configured = await LeanConnectionTimer(TimeSpan.FromSeconds(7));
        Assert.Equal(2, configured.Timer);
        Assert.InRange(configured.When, 1, 700);

        var unset = await LeanConnectionTimer(TimeSpan.Zero); // Go's defaultTCPKeepAliveIdle
        Assert.Equal(2, unset.Timer);
        Assert.InRange(unset.When, 701, 1500);

        var off = await LeanConnectionTimer(TimeSpan.FromSeconds(-1));
        Assert.Equal(0, off.Timer);

        // The probes after the idle time: Go's defaults for the KeepAliveConfig fields the dialer leaves unset.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var socket = await new BackendDialer(DialTimeout, TimeSpan.FromMilliseconds(7200), TimeSpan.Zero)
            .ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, CancellationToken.None);
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(8, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!); // rounded up, as Go does
        Assert.Equal(15, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(9, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
    }

    [Fact]
    public async Task Sockets_handler_connections_keep_alive_as_configured()
    {
        var clientPort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new RawServer(KeepAlive(clientPort));
        var config = new GatewayConfig { DialerKeepAlive = TimeSpan.FromSeconds(7) };
        using var invoker = new HttpMessageInvoker(BackendClient.CreateHandler(config, new BackendDialer(DialTimeout, config.DialerKeepAlive, TimeSpan.Zero)));
        using (var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, backend.Url + "/"), CancellationToken.None))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (timer, when) = KeepAliveTimer(await clientPort.Task);
        Assert.Equal(2, timer);
        Assert.InRange(when, 1, 700);
    }

    /// <summary>"dual.test" resolves to the IPv6 loopback first (the primary family), then the IPv4 one.</summary>
    private static Task<IPAddress[]> DualStack(string host, CancellationToken ct) => Task.FromResult(new[] { IPAddress.IPv6Loopback, IPAddress.Loopback });

    /// <summary>
    /// A listener on [::1] at the given port that never completes a connect: its accept queue (backlog 0) is
    /// filled by one connection nobody accepts, after which Linux drops further SYNs and the dialer waits.
    /// </summary>
    private sealed class Blackhole : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = false };
        private readonly Socket _filler = new(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);

        public Blackhole(int port)
        {
            _listener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
            _listener.Listen(0);
            _filler.Connect(new IPEndPoint(IPAddress.IPv6Loopback, port));
        }

        public void Dispose()
        {
            _filler.Dispose();
            _listener.Dispose();
        }
    }

    private static async Task<TimeSpan> TimeLeanRequest(TimeSpan fallbackDelay)
    {
        await using var backend = new RawServer(KeepAlive());
        using var hole = new Blackhole(backend.Port);
        using var client = new LeanHttpClient(new LeanClientOptions { Dialer = new BackendDialer(DialTimeout, TimeSpan.Zero, fallbackDelay) { Resolve = DualStack } });
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(client.GetPool("dual.test", backend.Port), Get("dual.test", backend.Port), CancellationToken.None);
        Assert.Equal(200, response.StatusCode);
        return clock.Elapsed;
    }

    [Fact]
    public async Task Own_client_falls_back_to_the_other_family_after_the_delay_not_after_the_dial_timeout()
    {
        var elapsed = await TimeLeanRequest(TimeSpan.FromMilliseconds(200));
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(180), TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task Own_client_without_fallback_waits_out_the_first_addresss_share_of_the_dial_timeout()
    {
        // Go's dialSerial: two addresses share the 4 s dial timeout, 2 s each; the IPv4 one connects after that.
        var elapsed = await TimeLeanRequest(TimeSpan.FromMilliseconds(-1));
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(1800), DialTimeout);
    }

    [Fact]
    public async Task Sockets_handler_falls_back_to_the_other_family_after_the_delay()
    {
        await using var backend = new RawServer(KeepAlive());
        using var hole = new Blackhole(backend.Port);
        var config = new GatewayConfig { DialerTimeout = DialTimeout, DialerFallbackDelay = TimeSpan.FromMilliseconds(200) };
        var dialer = new BackendDialer(config.DialerTimeout, config.DialerKeepAlive, config.DialerFallbackDelay) { Resolve = DualStack };
        using var invoker = new HttpMessageInvoker(BackendClient.CreateHandler(config, dialer));
        var clock = Stopwatch.StartNew();
        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://dual.test:{backend.Port}/"), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(180), TimeSpan.FromMilliseconds(1500));
    }
}
