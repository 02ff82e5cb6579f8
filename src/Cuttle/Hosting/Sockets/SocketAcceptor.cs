using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// accept() that reports failure as a <see cref="SocketError"/> instead of throwing. Out of descriptors, a thrown
/// exception is what kills the process: capturing its stack trace makes the runtime load assemblies it has not loaded
/// yet, which fails with EMFILE, and the runtime aborts ("Out of memory."). One instance per listener, reused for
/// every accept (Kestrel accepts one connection at a time per listener).
/// </summary>
internal sealed class SocketAcceptor() : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true), IValueTaskSource<SocketError>
{
    private ManualResetValueTaskSourceCore<SocketError> _source;

    /// <summary>Accepts one connection into <see cref="SocketAsyncEventArgs.AcceptSocket"/>, or returns why not.</summary>
    /// <exception cref="ObjectDisposedException">The listening socket was closed.</exception>
    public ValueTask<SocketError> AcceptAsync(Socket listener)
    {
        _source.Reset();
        AcceptSocket = null;
        if (!listener.AcceptAsync(this)) return new ValueTask<SocketError>(SocketError);
        return new ValueTask<SocketError>(this, _source.Version);
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => _source.SetResult(e.SocketError);

    public SocketError GetResult(short token) => _source.GetResult(token);
    public ValueTaskSourceStatus GetStatus(short token) => _source.GetStatus(token);
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
