using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// Kestrel's socket transport with one scheduling choice changed: the HTTP layer reads a connection's bytes on the
/// thread that received them (the socket engine's thread) instead of being handed to a thread-pool thread per read.
/// A gateway's request half is routing, header copying and a non-blocking send to the backend, all microseconds; the
/// hand-off cost more than the work (bench/RESULTS.md: +20% throughput, half the context switches per proxied request
/// on a shared core). Sends to the client stay on the thread pool, where several flushes of one response coalesce into
/// one syscall; sending inline measured 15% slower. Kestrel's own UnsafePreferInlineScheduling inlines both sides,
/// so it could not be used.
/// </summary>
/// <remarks>
/// What runs inline must not block: the gateway's request path is asynchronous I/O throughout, and endpoints that run
/// user code of unbounded cost (Lua) leave the socket thread before they start (see the endpoint dispatch).
/// </remarks>
internal sealed partial class GatewaySocketTransport : IConnectionListenerFactory
{
    // Kestrel's defaults (SocketTransportOptions): pause reading a connection at 1 MB unread, its writer at 64 KB unsent.
    internal const long MaxReadBufferSize = 1024 * 1024;
    internal const long MaxWriteBufferSize = 64 * 1024;
    private const int Backlog = 512;

    private readonly IMemoryPoolFactory<byte>? _poolFactory;
    private readonly ILogger _logger;

    public GatewaySocketTransport(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        _poolFactory = services.GetService(typeof(IMemoryPoolFactory<byte>)) as IMemoryPoolFactory<byte>;
        _logger = loggerFactory.CreateLogger("Cuttle.Hosting.Sockets");
    }

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        Socket socket;
        try
        {
            // Kestrel's own binding rules: dual-mode for [::], unix sockets, SO_REUSEADDR off on Windows only.
            socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e);
        }
        socket.Listen(Backlog);
        // Kestrel's pinned-block pool, one per listener, as Kestrel's transport has; the shared array pool (not ours to
        // dispose) only when no factory is registered.
        var options = _poolFactory is null
            ? new ConnectionOptions(MemoryPool<byte>.Shared, ownsPool: false, _logger)
            : new ConnectionOptions(_poolFactory.Create(new MemoryPoolOptions { Owner = "cuttle-sockets" }), ownsPool: true, _logger);
        return new ValueTask<IConnectionListener>(new GatewaySocketListener(socket, accepted =>
        {
            var connection = new GatewaySocketConnection(accepted, options);
            connection.Start();
            return connection;
        }, options.OwnsPool ? options.Pool : null, new AcceptBackoff(_logger, TimeProvider.System)));
    }
}

/// <summary>The pipes and pool every connection of one listener shares.</summary>
internal sealed class ConnectionOptions
{
    public ConnectionOptions(MemoryPool<byte> pool, bool ownsPool, ILogger logger)
    {
        Pool = pool;
        OwnsPool = ownsPool;
        Logger = logger;
        // Socket -> HTTP: the reader (Kestrel's parser and the request pipeline) runs inline on the receiving thread;
        // the receive loop, when paused by a full buffer, resumes on the thread pool.
        Input = new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.ThreadPool,
            GatewaySocketTransport.MaxReadBufferSize, GatewaySocketTransport.MaxReadBufferSize / 2, useSynchronizationContext: false);
        // HTTP -> socket: the send loop runs on the thread pool, so a response's header and body flushes coalesce.
        Output = new PipeOptions(pool, PipeScheduler.ThreadPool, PipeScheduler.ThreadPool,
            GatewaySocketTransport.MaxWriteBufferSize, GatewaySocketTransport.MaxWriteBufferSize / 2, useSynchronizationContext: false);
    }

    public MemoryPool<byte> Pool { get; }
    public bool OwnsPool { get; }
    public ILogger Logger { get; }
    public PipeOptions Input { get; }
    public PipeOptions Output { get; }
}
