using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Cuttle.Gateway.Transport;

/// <summary>
/// Idle keep-alive connections to one host:port (Go's Transport.idleConn for one connectMethodKey): a lock-free
/// queue, at most MaxIdlePerHost kept (KrakenD's max_idle_connections_per_host, default 250), each dropped after
/// the idle timeout (Go's IdleConnTimeout, 90 s).
/// </summary>
internal sealed class ConnectionPool : IDisposable
{
    private readonly ConcurrentQueue<HttpConnection> _idle = new();
    private readonly LeanClientOptions _options;
    private readonly IPAddress? _address;
    private int _idleCount;
    private volatile bool _disposed;

    public ConnectionPool(string host, int port, LeanClientOptions options)
    {
        Host = host;
        Port = port;
        _options = options;
        _address = IPAddress.TryParse(host.Trim('[', ']'), out var a) ? a : null;
    }

    public string Host { get; }
    public int Port { get; }
    public bool DisableKeepAlives => _options.DisableKeepAlives;
    public int IdleCount => Volatile.Read(ref _idleCount);

    public bool TryRent(out HttpConnection connection)
    {
        var now = _options.TimeProvider.GetTimestamp();
        while (_idle.TryDequeue(out connection!))
        {
            Interlocked.Decrement(ref _idleCount);
            if (_options.TimeProvider.GetElapsedTime(connection.IdleSince, now) < _options.IdleTimeout) return true;
            connection.Dispose();
        }
        return false;
    }

    public void Return(HttpConnection connection)
    {
        if (_disposed || _options.DisableKeepAlives || Interlocked.Increment(ref _idleCount) > _options.MaxIdlePerHost)
        {
            if (!_disposed && !_options.DisableKeepAlives) Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }
        connection.IdleSince = _options.TimeProvider.GetTimestamp();
        _idle.Enqueue(connection);
        if (_disposed) DrainIdle(); // raced with Dispose
    }

    /// <summary>Closes idle connections older than the idle timeout.</summary>
    public void Sweep()
    {
        var now = _options.TimeProvider.GetTimestamp();
        for (var n = _idle.Count; n > 0 && _idle.TryDequeue(out var connection); n--)
        {
            if (_options.TimeProvider.GetElapsedTime(connection.IdleSince, now) >= _options.IdleTimeout)
            {
                Interlocked.Decrement(ref _idleCount);
                connection.Dispose();
            }
            else
            {
                _idle.Enqueue(connection);
            }
        }
    }

    public async ValueTask<HttpConnection> ConnectAsync(CancellationToken ct)
    {
        var socket = _address is not null
            ? new Socket(_address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            if (_address is not null) await socket.ConnectAsync(new IPEndPoint(_address, Port), timeout.Token).ConfigureAwait(false);
            else await socket.ConnectAsync(Host, Port, timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException se)
        {
            socket.Dispose();
            throw new HttpRequestException(SocketErrors.Dial(Host, Port, se));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HttpRequestException($"dial tcp {Host}:{Port}: i/o timeout");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new HttpConnection(socket, this);
    }

    private void DrainIdle()
    {
        while (_idle.TryDequeue(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }
}
