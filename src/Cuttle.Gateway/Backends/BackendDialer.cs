using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// Go's net.Dialer as lura builds it for the backend transport (transport/http/server NewTransport: Timeout,
/// KeepAlive and FallbackDelay straight from the service config), shared by both backend clients: the own HTTP/1.1
/// client's pools call it, and SocketsHttpHandler's ConnectCallback does. It resolves the host, dials the addresses
/// of the first one's family one after the other, and (RFC 6555 Happy Eyeballs, Go's dialParallel) starts the other
/// family after the fallback delay or at once when the first family has failed; the first connection wins and the
/// other is closed. A connected socket gets Go's TCP keep-alive settings.
/// </summary>
internal sealed class BackendDialer
{
    /// <summary>Go's defaultTCPKeepAliveIdle and defaultTCPKeepAliveInterval (net/dial.go, go.dev/issue/31510).</summary>
    private static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Go's defaultTCPKeepAliveCount.</summary>
    private const int DefaultKeepAliveCount = 9;

    /// <summary>Go's Dialer.fallbackDelay when FallbackDelay is zero.</summary>
    private static readonly TimeSpan DefaultFallbackDelay = TimeSpan.FromMilliseconds(300);

    /// <summary>Go's partialDeadline: no address of several gets less than this while the deadline allows it.</summary>
    private static readonly TimeSpan SaneMinimum = TimeSpan.FromSeconds(2);

    /// <param name="timeout">dialer_timeout (the binder fills in 30 s when unset).</param>
    /// <param name="keepAlive">dialer_keep_alive as written: zero is Go's 15 s, negative leaves keep-alive off.</param>
    /// <param name="fallbackDelay">dialer_fallback_delay as written: zero is Go's 300 ms, negative dials one address after the other.</param>
    public BackendDialer(TimeSpan timeout, TimeSpan keepAlive, TimeSpan fallbackDelay)
    {
        Timeout = timeout;
        KeepAliveIdle = keepAlive < TimeSpan.Zero ? null : keepAlive == TimeSpan.Zero ? DefaultKeepAlive : keepAlive;
        FallbackDelay = fallbackDelay < TimeSpan.Zero ? null : fallbackDelay == TimeSpan.Zero ? DefaultFallbackDelay : fallbackDelay;
    }

    public TimeSpan Timeout { get; }

    /// <summary>The TCP_KEEPIDLE a connected socket gets (whole seconds, rounded up as Go does); null: keep-alive off.</summary>
    public TimeSpan? KeepAliveIdle { get; }

    /// <summary>How long the first address family has before the other one is dialled too; null: no Happy Eyeballs.</summary>
    public TimeSpan? FallbackDelay { get; }

    /// <summary>
    /// Resolves a host name to its addresses in the resolver's order (the system resolver; IPv4 only where the system
    /// has no IPv6, as Go resolves "tcp4" then). Tests give a host name addresses of their choosing here, to put an
    /// address that never answers first.
    /// </summary>
    internal Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; init; } = static (host, ct) =>
        Dns.GetHostAddressesAsync(host, Socket.OSSupportsIPv6 ? AddressFamily.Unspecified : AddressFamily.InterNetwork, ct);

    /// <summary>
    /// A connected socket to host:port (an IP literal, brackets removed, or a name), within <see cref="Timeout"/>.
    /// Throws the first address's <see cref="SocketException"/> when every address failed, or an
    /// <see cref="OperationCanceledException"/> when the time ran out or <paramref name="ct"/> was cancelled.
    /// </summary>
    public ValueTask<Socket> ConnectAsync(string host, int port, CancellationToken ct) => ConnectAsync(host, port, null, ct);

    /// <summary>
    /// <see cref="ConnectAsync(string, int, CancellationToken)"/>, telling <paramref name="timing"/> how long the name
    /// lookup took (detailed_connection's dns-duration, as Go's DNSStart/DNSDone; zero for an IP literal).
    /// </summary>
    public async ValueTask<Socket> ConnectAsync(string host, int port, DialTiming? timing, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        var endsAt = Environment.TickCount64 + (long)Timeout.TotalMilliseconds;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            var resolving = Stopwatch.GetTimestamp();
            addresses = await Resolve(host, deadline.Token).ConfigureAwait(false);
            if (timing is not null) timing.DnsTicks = Stopwatch.GetTimestamp() - resolving;
        }
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);

        // Go's addrList.partition: the first address's family first, the other family as the fallback.
        var family = addresses[0].AddressFamily;
        var fallbackCount = 0;
        foreach (var a in addresses)
        {
            if (a.AddressFamily != family) fallbackCount++;
        }
        if (FallbackDelay is not { } delay || fallbackCount == 0)
            return await DialSerialAsync(addresses, port, endsAt, deadline.Token).ConfigureAwait(false);

        var primaries = new IPAddress[addresses.Length - fallbackCount];
        var fallbacks = new IPAddress[fallbackCount];
        int p = 0, f = 0;
        foreach (var a in addresses)
        {
            if (a.AddressFamily == family) primaries[p++] = a;
            else fallbacks[f++] = a;
        }
        return await DialParallelAsync(primaries, fallbacks, port, delay, endsAt, deadline.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Go's dialParallel: the primaries get a head start of <paramref name="delay"/> (cut short when they fail); the
    /// first connection wins and the other racer is cancelled, its socket closed should it connect anyway. When both
    /// fail, the primaries' error is the one returned.
    /// </summary>
    private async Task<Socket> DialParallelAsync(IPAddress[] primaries, IPAddress[] fallbacks, int port, TimeSpan delay, long endsAt, CancellationToken ct)
    {
        using var primaryCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var fallbackCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var headStart = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var primary = DialSerialAsync(primaries, port, endsAt, primaryCancel.Token).AsTask();
        var timer = Task.Delay(delay, headStart.Token);
        if (await Task.WhenAny(primary, timer).ConfigureAwait(false) == primary && primary.IsCompletedSuccessfully)
        {
            headStart.Cancel();
            return primary.Result;
        }
        headStart.Cancel();
        var fallback = DialSerialAsync(fallbacks, port, endsAt, fallbackCancel.Token).AsTask();
        var first = await Task.WhenAny(primary, fallback).ConfigureAwait(false);
        var second = first == primary ? fallback : primary;
        if (first.IsCompletedSuccessfully)
        {
            await CloseLoserAsync(second, first == primary ? fallbackCancel : primaryCancel).ConfigureAwait(false);
            return first.Result;
        }
        await ((Task)second).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (second.IsCompletedSuccessfully) return second.Result;
        return await primary.ConfigureAwait(false); // both failed: the primaries' error, as Go returns
    }

    /// <summary>Cancels the racer that lost and closes its socket if it connected all the same (Go's startRacer does).</summary>
    private static async Task CloseLoserAsync(Task<Socket> loser, CancellationTokenSource cancel)
    {
        await cancel.CancelAsync().ConfigureAwait(false);
        await ((Task)loser).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (loser.IsCompletedSuccessfully) loser.Result.Dispose();
    }

    /// <summary>
    /// Go's dialSerial: each address in turn, each with an equal share of the time left (at least 2 s while that
    /// much is left, Go's partialDeadline); the first address's error when none connects.
    /// </summary>
    private async ValueTask<Socket> DialSerialAsync(IPAddress[] addresses, int port, long endsAt, CancellationToken ct)
    {
        Exception? firstError = null;
        for (var i = 0; i < addresses.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            var left = TimeSpan.FromMilliseconds(Math.Max(0, endsAt - Environment.TickCount64));
            var share = left / (addresses.Length - i);
            if (share < SaneMinimum) share = left < SaneMinimum ? left : SaneMinimum;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (i < addresses.Length - 1) attempt.CancelAfter(share);
            var socket = new Socket(addresses[i].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(addresses[i], port), attempt.Token).ConfigureAwait(false);
                ApplyKeepAlive(socket);
                return socket;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                firstError ??= ex is SocketException ? ex : new SocketException((int)SocketError.TimedOut);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw firstError!;
    }

    /// <summary>
    /// Go's newTCPConn with KeepAlive ≥ 0: SO_KEEPALIVE on, TCP_KEEPIDLE the dialer's KeepAlive (15 s when zero),
    /// TCP_KEEPINTVL 15 s and TCP_KEEPCNT 9 (Go's defaults for the unset KeepAliveConfig fields). Go ignores a
    /// platform that refuses them; so does this.
    /// </summary>
    public void ApplyKeepAlive(Socket socket)
    {
        if (KeepAliveIdle is not { } idle) return;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)Math.Ceiling(idle.TotalSeconds));
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)DefaultKeepAlive.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, DefaultKeepAliveCount);
        }
        catch (SocketException) { }
        catch (PlatformNotSupportedException) { }
    }

    /// <summary>What one dial measured, for detailed_connection (filled in by <see cref="ConnectAsync(string, int, DialTiming?, CancellationToken)"/>).</summary>
    internal class DialTiming
    {
        /// <summary>Stopwatch ticks the name lookup took.</summary>
        public long DnsTicks;
    }
}
