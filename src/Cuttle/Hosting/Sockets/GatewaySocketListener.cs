using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Cuttle.Hosting.Sockets;

/// <summary>Accepts connections on one bound socket; Kestrel calls <see cref="AcceptAsync"/> in a loop.</summary>
internal sealed class GatewaySocketListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly ConnectionOptions _options;

    public GatewaySocketListener(Socket socket, ConnectionOptions options)
    {
        _socket = socket;
        _options = options;
        EndPoint = socket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound: Kestrel stops accepting
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException)
            {
                continue; // the peer reset before we accepted it; not the listener's failure
            }
            // Go's net/http sets TCP_NODELAY on every connection, and so does Kestrel.
            if (accepted.LocalEndPoint is IPEndPoint) accepted.NoDelay = true;
            var connection = new GatewaySocketConnection(accepted, _options);
            connection.Start();
            return connection;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _socket.Dispose();
        return default;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        // The pool outlives the listener's connections: Kestrel disposes connections before listeners on shutdown, and
        // the pinned-block pool only trims (never throws) when blocks come back after its disposal.
        if (_options.OwnsPool) _options.Pool.Dispose();
        return default;
    }
}
