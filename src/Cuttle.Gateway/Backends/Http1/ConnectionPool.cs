using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// Idle keep-alive connections to one host:port (Go's Transport.idleConn for one connectMethodKey): a stack, most
/// recently used first as Go keeps it, at most MaxIdlePerHost kept (KrakenD's max_idle_connections_per_host, default
/// 250), each dropped after the idle timeout (Go's IdleConnTimeout, 90 s). Most-recent-first keeps the steady load on
/// the fewest sockets and lets the extra connections of a burst sink to the bottom and age out; a queue would cycle
/// through all of them and keep every one alive. The pools of one client also share max_idle_connections
/// (<see cref="IdleBudget"/>).
/// </summary>
internal sealed class ConnectionPool : IDisposable
{
    // Ordered by IdleSince: the bottom (index 0) has been idle longest. Guarded by _lock.
    private HttpConnection[] _idle = new HttpConnection[8];
    private readonly Lock _lock = new();
    private readonly LeanClientOptions _options;
    private readonly string _dialHost; // the host without an IPv6 literal's brackets
    private readonly SslClientAuthenticationOptions? _tls;
    private int _idleCount;
    private volatile bool _disposed;

    public ConnectionPool(string host, int port, LeanClientOptions options, bool tls = false)
    {
        Host = host;
        Port = port;
        _options = options;
        _dialHost = host.Trim('[', ']');
        // One options object per pool, shared by its handshakes: the host name is the pool's, never per request.
        if (tls) _tls = Backends.BackendTls.ForHost(options.Tls, host.Trim('[', ']'));
    }

    /// <summary>Whether connections of this pool speak TLS (an https:// backend).</summary>
    public bool IsTls => _tls is not null;

    public string Host { get; }
    public int Port { get; }
    public bool DisableKeepAlives => _options.DisableKeepAlives;

    /// <summary>expect_continue_timeout (zero: a body never waits for 100 Continue).</summary>
    public TimeSpan ExpectContinueTimeout => _options.ExpectContinueTimeout;
    public TimeProvider TimeProvider => _options.TimeProvider;
    public int IdleCount => Volatile.Read(ref _idleCount);

    public bool TryRent(out HttpConnection connection)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_idleCount == 0)
                {
                    connection = null!;
                    return false;
                }
                connection = _idle[--_idleCount];
                _idle[_idleCount] = null!;
            }
            _options.IdleBudget?.Give();
            var idleFor = _options.TimeProvider.GetElapsedTime(connection.IdleSince);
            if (idleFor < _options.IdleTimeout) return true;
            // The freshest one has expired, so every one below it has too; the loop closes them one by one.
            connection.Dispose();
        }
    }

    public void Return(HttpConnection connection)
    {
        if (!_disposed && !_options.DisableKeepAlives)
        {
            connection.IdleSince = _options.TimeProvider.GetTimestamp();
            lock (_lock)
            {
                // Checked under the lock: Dispose drains under it, so nothing is pushed after the drain.
                if (!_disposed && _idleCount < _options.MaxIdlePerHost && _options.IdleBudget?.TryTake() != false)
                {
                    if (_idleCount == _idle.Length) Array.Resize(ref _idle, Math.Min(_idle.Length * 2, Math.Max(_options.MaxIdlePerHost, 1)));
                    _idle[_idleCount++] = connection;
                    return;
                }
            }
        }
        connection.Dispose();
    }

    /// <summary>Closes idle connections older than the idle timeout (the bottom of the stack).</summary>
    public void Sweep()
    {
        var now = _options.TimeProvider.GetTimestamp();
        HttpConnection[] expired;
        var n = 0;
        lock (_lock)
        {
            while (n < _idleCount && _options.TimeProvider.GetElapsedTime(_idle[n].IdleSince, now) >= _options.IdleTimeout) n++;
            if (n == 0) return;
            expired = _idle[..n];
            Array.Copy(_idle, n, _idle, 0, _idleCount - n);
            Array.Clear(_idle, _idleCount - n, n);
            _idleCount -= n;
        }
        _options.IdleBudget?.Give(n);
        foreach (var connection in expired) connection.Dispose();
    }

    public async ValueTask<HttpConnection> ConnectAsync(CancellationToken ct)
    {
        Socket socket;
        var timing = new BackendDialer.DialTiming(); // one per new connection: its dns-duration for detailed_connection
        try
        {
            socket = await _options.Dialer.ConnectAsync(_dialHost, Port, timing, ct).ConfigureAwait(false);
        }
        catch (SocketException se)
        {
            throw new HttpRequestException(SocketErrors.Dial(Host, Port, se));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"dial tcp {Host}:{Port}: i/o timeout");
        }
        if (_tls is null) return new HttpConnection(socket, this) { DnsTicks = timing.DnsTicks };
        var handshaking = Stopwatch.GetTimestamp();
        var ssl = await HandshakeAsync(socket, ct).ConfigureAwait(false);
        return new HttpConnection(socket, ssl, this) { DnsTicks = timing.DnsTicks, TlsTicks = Stopwatch.GetTimestamp() - handshaking };
    }

    /// <summary>The TLS handshake on a connected socket, within Go's TLSHandshakeTimeout; failures read like Go's.</summary>
    private async ValueTask<SslStream> HandshakeAsync(Socket socket, CancellationToken ct)
    {
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.TlsHandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(_tls!, timeout.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HttpRequestException($"tls: handshake with {Host}:{Port} failed: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HttpRequestException("net/http: TLS handshake timeout");
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HttpRequestException($"tls: handshake with {Host}:{Port} failed: {ex.Message}", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void DrainIdle()
    {
        HttpConnection[] all;
        lock (_lock)
        {
            all = _idle[.._idleCount];
            Array.Clear(_idle, 0, _idleCount);
            _idleCount = 0;
        }
        _options.IdleBudget?.Give(all.Length);
        foreach (var connection in all) connection.Dispose();
    }

    public void Dispose()
    {
        lock (_lock) _disposed = true;
        DrainIdle();
    }
}
