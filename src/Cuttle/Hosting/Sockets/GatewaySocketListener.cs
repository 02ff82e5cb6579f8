using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// Accepts connections on one bound socket; Kestrel calls <see cref="AcceptAsync"/> in a loop. Both transports the
/// gateway can run on use it (they differ only in the connection an accepted socket becomes), so both back off when
/// accept fails for want of descriptors (<see cref="AcceptBackoff"/>); Kestrel's own listener retries at once.
/// </summary>
internal sealed class GatewaySocketListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly Func<Socket, ConnectionContext> _connect;
    private readonly IDisposable? _owned;
    private readonly AcceptBackoff _backoff;
    private readonly CancellationTokenSource _unbound = new();
    private readonly SocketAcceptor _acceptor = new();
    private readonly DescriptorReserve? _reserve = DescriptorReserve.Create();

    // -1 while descriptors are plenty (the reserve is held, accept freely); otherwise how many connections may still be
    // accepted before free descriptors are counted again. Only the accept loop touches it (Kestrel accepts serially).
    private int _budget = -1;

    /// <param name="socket">The bound, listening socket.</param>
    /// <param name="connect">Turns an accepted socket into a started connection.</param>
    /// <param name="owned">Disposed with the listener (the connections' pool or factory), after the socket.</param>
    /// <param name="backoff">The accept-failure policy of this listener.</param>
    public GatewaySocketListener(Socket socket, Func<Socket, ConnectionContext> connect, IDisposable? owned, AcceptBackoff backoff)
    {
        _socket = socket;
        _connect = connect;
        _owned = owned;
        _backoff = backoff;
        EndPoint = socket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    /// <remarks>
    /// As Kestrel's listener, <paramref name="cancellationToken"/> is not passed to accept itself (Kestrel passes none);
    /// unbinding closes the socket, which ends a pending accept and any back-off.
    /// </remarks>
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            SocketError error;
            if (_reserve is not null && !MayAccept())
            {
                // Still short of descriptors: accepting now would take the last ones the rest of the process has.
                error = SocketError.TooManyOpenSockets;
            }
            else
            {
                try
                {
                    error = await _acceptor.AcceptAsync(_socket).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return null; // unbound: Kestrel stops accepting
                }
                if (error == SocketError.TooManyOpenSockets && _reserve is not null)
                {
                    _reserve.Release();
                    _budget = 0;
                }
                else if (error == SocketError.Success && _budget > 0)
                {
                    _budget--;
                }
                else if (error == SocketError.Success && _budget < 0 && _reserve is not null
                    && _reserve.NearLimit((long)_acceptor.AcceptSocket!.SafeHandle.DangerousGetHandle()))
                {
                    // The table is nearly full: let the reserve go now and count before the next accept, rather than
                    // wait for accept() to fail while a connection's thread may be opening a file.
                    _reserve.Release();
                    _budget = 0;
                }
            }
            if (error == SocketError.Success)
            {
                _backoff.OnSuccess();
                var accepted = _acceptor.AcceptSocket!;
                // Go's net/http sets TCP_NODELAY on every connection, and so does Kestrel.
                if (accepted.LocalEndPoint is IPEndPoint) accepted.NoDelay = true;
                return _connect(accepted);
            }
            if (error == SocketError.OperationAborted || _unbound.IsCancellationRequested) return null;
            if (AcceptBackoff.IsPeerGone(error)) continue; // the peer reset before we accepted it; not the listener's failure
            // Out of descriptors (or buffers): wait for some to come back instead of spinning on the readable socket.
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
                await _backoff.WaitAsync(error, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Whether an accept may take a descriptor. Holding the reserve again as soon as 16 are free would leave the process
    /// none between that moment and the next failed accept (a runtime that then opens a file aborts), so while
    /// descriptors are short the listener keeps <see cref="DescriptorReserve.Size"/> free for the process instead.
    /// </summary>
    private bool MayAccept()
    {
        if (_budget < 0) return true;
        if (_budget > 0) return true;
        var free = _reserve!.CountFree(4 * DescriptorReserve.Size);
        if (free == 4 * DescriptorReserve.Size && _reserve.TryHold())
        {
            _budget = -1; // plenty again: back to accepting freely behind the held reserve
            return true;
        }
        _budget = free - DescriptorReserve.Size;
        if (_budget > 0) return true;
        _budget = 0;
        return false;
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _unbound.Cancel();
        _socket.Dispose();
        return default;
    }

    public ValueTask DisposeAsync()
    {
        _unbound.Cancel();
        _socket.Dispose();
        _acceptor.Dispose();
        _reserve?.Dispose();
        // The pool outlives the listener's connections: Kestrel disposes connections before listeners on shutdown, and
        // the pinned-block pool only trims (never throws) when blocks come back after its disposal.
        _owned?.Dispose();
        return default;
    }
}
