using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// A small pooled HTTP/1.1 client for http:// and https:// backends (TLS through an SslStream over the pooled
/// socket). It replaces HttpRequestMessage/HttpResponseMessage and their header collections on the hot path; service
/// discovery and protocol upgrades stay on SocketsHttpHandler. Connection reuse and the stale-connection retry follow Go's net/http Transport.
/// </summary>
internal sealed class LeanHttpClient : IDisposable
{
    private readonly ConcurrentDictionary<(string Host, int Port, bool Tls), ConnectionPool> _pools = new();
    private readonly ITimer _sweeper;
    private volatile bool _disposed;

    public LeanClientOptions Options { get; }

    public LeanHttpClient(LeanClientOptions options)
    {
        Options = options;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, options.IdleTimeout.Ticks / 4));
        _sweeper = options.TimeProvider.CreateTimer(static s => ((LeanHttpClient)s!).Sweep(), this, period, period);
    }

    /// <summary>The pool for host:port (over TLS for https); callers resolve it once at build time and keep it.</summary>
    public ConnectionPool GetPool(string host, int port, bool tls = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pools.GetOrAdd((host, port, tls), static (key, options) => new ConnectionPool(key.Host, key.Port, options, key.Tls), Options);
    }

    /// <summary>
    /// Sends the request and reads the response head. A failure on a reused connection before any response byte
    /// arrived is retried once on a new connection when the request can be replayed (what Go and .NET do for a
    /// keep-alive connection the server closed while idle).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<BackendResponse> SendAsync(ConnectionPool pool, BackendRequest request, CancellationToken ct)
    {
        var isHead = request.Method == "HEAD";
        for (var attempt = 0; ; attempt++)
        {
            HttpConnection? connection = null;
            var getConn = System.Diagnostics.Stopwatch.GetTimestamp(); // Go's GetConn: before an idle one is looked for
            if (attempt == 0)
            {
                while (pool.TryRent(out var idle))
                {
                    // Every reuse: an idle connection the server closed, or one with bytes nobody asked for waiting on
                    // it (a late or smuggled answer, a body longer than its Content-Length), would hand this request
                    // someone else's response. Go's persistConn closes it ("Unsolicited response received on idle
                    // HTTP channel"); here one non-blocking poll finds it before the request is written.
                    if (idle.LooksDead()) { idle.Dispose(); continue; }
                    connection = idle;
                    break;
                }
            }
            connection ??= await pool.ConnectAsync(ct).ConfigureAwait(false);
            connection.GetConnTicks = System.Diagnostics.Stopwatch.GetTimestamp() - getConn; // Go's GotConn
            try
            {
                await connection.WriteRequestAsync(request, Options.Decompress, ct).ConfigureAwait(false);
                while (!connection.TryReadHead(isHead, Options.Decompress))
                {
                    int read;
                    try { read = await connection.ReceiveHeadBytesAsync(ct).ConfigureAwait(false); }
                    catch (SocketException se) { throw connection.ReadFailure(se); }
                    connection.HeadBytesReceived(read);
                }
                return new Http1Response(connection);
            }
            catch (Exception ex) when (attempt == 0 && connection.IsReused && !connection.ResponseStarted
                && (request.IsReplayable || !connection.BodyStarted) && !ct.IsCancellationRequested
                && ex is HttpRequestException or IOException)
            {
                connection.Dispose();
            }
            catch (IOException ex)
            {
                connection.Dispose();
                throw new HttpRequestException(ex.Message, ex);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    private void Sweep()
    {
        foreach (var pool in _pools.Values) pool.Sweep();
    }

    public void Dispose()
    {
        _disposed = true;
        _sweeper.Dispose();
        foreach (var pool in _pools.Values) pool.Dispose();
    }
}
