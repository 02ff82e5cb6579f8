using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Cuttle.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// One accepted socket as Kestrel sees it: two pipes, a receive loop filling one and a send loop draining the other.
/// The lifecycle follows Kestrel's SocketConnection (same signals, same order) so the HTTP layer behaves the same:
/// end of input (FIN, reset, abort) completes the input pipe and fires <see cref="BaseConnectionContext.ConnectionClosed"/> (which aborts the
/// request in flight: RequestAborted); the end of output shuts the socket down; <see cref="Abort"/> sends what was
/// already flushed and then closes the socket.
/// </summary>
internal sealed partial class GatewaySocketConnection : ConnectionContext,
    IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature, IMemoryPoolFeature,
    IConnectionLifetimeFeature, IConnectionEndPointFeature, IConnectionSocketFeature
{
    // As Kestrel: ask the pool for at least half a block per receive, so a read never lands in a sliver.
    private const int MinAllocBufferSize = 2048;
    private static long s_lastId;

    private readonly Socket _socket;
    private readonly ConnectionOptions _options;
    private readonly PipeWriter _input;   // the receive loop writes what the socket delivers here
    private readonly PipeReader _output;  // the send loop sends what Kestrel wrote here
    private readonly IDuplexPipe _transport; // Kestrel's ends of the two pipes (middleware may wrap Transport)
    private readonly SocketSender _sender = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _closedCallbacksDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _shutdownLock = new();
    private readonly FeatureCollection _features = new(8);
    private IDictionary<object, object?>? _items;
    private string? _id;
    private Task? _receiving;
    private Task? _sending;
    private Exception? _shutdownReason;
    private volatile ConnectionAbortedException? _abortReason;
    private bool _socketDisposed;
    private int _closeFired;
    private int _sendInFlight; // 1 while the send loop waits on a send (see Abort)

    public GatewaySocketConnection(Socket socket, ConnectionOptions options)
    {
        _socket = socket;
        _options = options;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        var input = new Pipe(options.Input);
        var output = new Pipe(options.Output);
        Transport = _transport = new DuplexPipe(input.Reader, output.Writer);
        _input = input.Writer;
        _output = output.Reader;
        ConnectionClosed = _closed.Token;

        _features.Set<IConnectionIdFeature>(this);
        _features.Set<IConnectionTransportFeature>(this);
        _features.Set<IConnectionItemsFeature>(this);
        _features.Set<IMemoryPoolFeature>(this);
        _features.Set<IConnectionLifetimeFeature>(this);
        _features.Set<IConnectionEndPointFeature>(this);
        _features.Set<IConnectionSocketFeature>(this);
    }

    public override string ConnectionId
    {
        // Kestrel's ids are opaque strings; only logs read them, so one is made on first use.
        get => _id ??= "c" + Interlocked.Increment(ref s_lastId).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        set => _id = value;
    }

    public override IFeatureCollection Features => _features;
    public override IDictionary<object, object?> Items { get => _items ??= new Dictionary<object, object?>(); set => _items = value; }
    public override IDuplexPipe Transport { get; set; }
    public MemoryPool<byte> MemoryPool => _options.Pool;
    public Socket Socket => _socket;

    public void Start()
    {
        _sending = SendLoopAsync();
        _receiving = ReceiveLoopAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                // A zero-byte read waits for data without holding a buffer: an idle keep-alive connection costs no
                // pool block (Kestrel's WaitForDataBeforeAllocatingBuffer, on by default).
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var buffer = _input.GetMemory(MinAllocBufferSize);
                var received = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0) break; // FIN: the client finished sending
                _input.Advance(received);
                // With the inline reader scheduler this is where Kestrel parses the request and the gateway serves it,
                // up to the first real wait (the backend).
                var flush = await _input.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break; // the HTTP layer stopped reading
            }
        }
        catch (SocketException e) when (IsReset(e.SocketErrorCode))
        {
            error = new ConnectionResetException(e.Message, e);
        }
        catch (SocketException e) when (IsAbort(e.SocketErrorCode))
        {
            error = e; // we closed the socket ourselves; _shutdownReason says why
        }
        catch (ObjectDisposedException e)
        {
            error = e;
        }
        catch (Exception e)
        {
            error = e;
            Log.ConnectionError(_options.Logger, ConnectionId, e.Message);
        }
        finally
        {
            // If the socket was shut down on purpose, that is the reason input ended.
            _input.Complete(_shutdownReason ?? error);
            FireConnectionClosed();
            await _closedCallbacksDone.Task.ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        Exception? shutdownReason = null;
        Exception? unexpected = null;
        try
        {
            while (true)
            {
                var result = await _output.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled || _abortReason is not null)
                {
                    // Abort. What Kestrel flushed before it (a response head, a body so far) goes out first: dropping it
                    // left a client with no response at all where it should see a truncated one. Only what the socket
                    // takes at once, though: a peer that does not read is not waited for.
                    if (!buffer.IsEmpty && _abortReason is not null)
                    {
                        var last = _sender.SendAsync(_socket, buffer);
                        if (!last.IsCompleted) Shutdown(_abortReason);
                        await last.ConfigureAwait(false);
                    }
                    _output.AdvanceTo(buffer.End);
                    break;
                }
                if (!buffer.IsEmpty)
                {
                    // Abort reads this flag after setting its reason, and this loop reads the reason after setting the flag
                    // (full fences both): a send that waits on the peer is cut by one or the other, never waited for.
                    Interlocked.Exchange(ref _sendInFlight, 1);
                    var send = _sender.SendAsync(_socket, buffer);
                    if (!send.IsCompleted && _abortReason is { } aborted) Shutdown(aborted);
                    await send.ConfigureAwait(false);
                    Volatile.Write(ref _sendInFlight, 0);
                }
                _output.AdvanceTo(buffer.End);
                if (result.IsCompleted || _abortReason is not null) break; // Kestrel is done with the connection, or aborted it
            }
        }
        catch (SocketException e) when (IsReset(e.SocketErrorCode))
        {
            shutdownReason = new ConnectionResetException(e.Message, e);
        }
        catch (SocketException e) when (IsAbort(e.SocketErrorCode))
        {
            shutdownReason = e;
        }
        catch (ObjectDisposedException e)
        {
            shutdownReason = e;
        }
        catch (Exception e)
        {
            shutdownReason = unexpected = e;
            Log.ConnectionError(_options.Logger, ConnectionId, e.Message);
        }
        finally
        {
            Shutdown(shutdownReason ?? _abortReason);
            _output.Complete(unexpected);
            // A receive loop paused on a full input buffer would otherwise wait forever.
            _input.CancelPendingFlush();
        }
    }

    private void FireConnectionClosed()
    {
        if (Interlocked.Exchange(ref _closeFired, 1) != 0) return;
        // Off this thread: RequestAborted callbacks (cancelling backend calls, logging) must not run inside the socket loop.
        ThreadPool.UnsafeQueueUserWorkItem(static self =>
        {
            try
            {
                self._closed.Cancel();
            }
            catch (AggregateException e)
            {
                Log.ConnectionError(self._options.Logger, self.ConnectionId, e.Message);
            }
            self._closedCallbacksDone.TrySetResult();
        }, this, preferLocal: false);
    }

    private void Shutdown(Exception? reason)
    {
        lock (_shutdownLock)
        {
            if (_socketDisposed) return;
            _socketDisposed = true;
            // Null only when the output ended gracefully; Kestrel expects a reason all the same.
            _shutdownReason = reason ?? new ConnectionAbortedException("The socket transport's send loop completed gracefully.");
            try
            {
                // A graceful FIN even for aborts, as Kestrel does: the client reads what was sent, then end of stream.
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already reset by the peer; disposing is all that is left.
            }
            _socket.Dispose();
        }
    }

    /// <summary>
    /// Ends the connection at once, whatever the application is doing: the socket is shut down now if a send is waiting
    /// on the peer (write_timeout, a client that stopped reading), otherwise the send loop sends what Kestrel already
    /// flushed, as far as the socket takes it without waiting, and then shuts the socket down (a FIN, so the client
    /// reads a truncated response, not nothing). Kestrel's own transport shuts down in Abort too.
    /// </summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        lock (_shutdownLock)
        {
            if (_socketDisposed || _abortReason is not null) return;
            _abortReason = abortReason;
        }
        Interlocked.MemoryBarrier(); // the reason is visible before the flag is read (see the send loop)
        if (Volatile.Read(ref _sendInFlight) != 0) Shutdown(abortReason);
        _output.CancelPendingRead();
    }

    public override async ValueTask DisposeAsync()
    {
        _transport.Input.Complete();
        _transport.Output.Complete();
        try
        {
            if (_receiving is not null) await _receiving.ConfigureAwait(false);
            if (_sending is not null) await _sending.ConfigureAwait(false);
        }
        finally
        {
            _sender.Dispose();
            _closed.Dispose();
        }
    }

    private static bool IsReset(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted
            or SocketError.NetworkReset or SocketError.ConnectionRefused;

    private static bool IsAbort(SocketError error) =>
        error is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument or SocketError.NotSocket;

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ConnectionError, Level = LogLevel.Debug, Message = "connection {ConnectionId}: {Error}")]
        public static partial void ConnectionError(ILogger logger, string connectionId, string error);
    }
}
