using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// Kestrel's own socket connections (CUTTLE_SOCKET_TRANSPORT=kestrel) behind the gateway's accept loop. Kestrel's
/// listener (SocketConnectionListener) retries a failed accept at once and swallows the error, so no wrapper around
/// it could see EMFILE to back off; Kestrel makes its connection type public for custom listeners
/// (<see cref="SocketConnectionContextFactory"/>), which is all this uses of it. Binding, backlog and buffer sizes are
/// Kestrel's defaults, as its transport has them.
/// </summary>
internal sealed class KestrelSocketTransport(ILoggerFactory loggerFactory) : IConnectionListenerFactory
{
    private const int Backlog = 512; // SocketTransportOptions.Backlog's default

    private readonly ILogger _logger = loggerFactory.CreateLogger("Cuttle.Hosting.Sockets");

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        Socket socket;
        try
        {
            socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e);
        }
        socket.Listen(Backlog);
        var factory = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(),
            loggerFactory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        return new ValueTask<IConnectionListener>(new GatewaySocketListener(socket, factory.Create, factory, new AcceptBackoff(_logger, TimeProvider.System)));
    }
}
