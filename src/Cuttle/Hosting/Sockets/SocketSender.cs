using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// Sends a whole <see cref="ReadOnlySequence{T}"/> in one operation: a multi-segment buffer (a response head in one
/// pool block, its body in the next) goes out as one gather write instead of a syscall per segment. One per connection,
/// reused for every send; a send never overlaps the previous one (the send loop awaits each).
/// </summary>
internal sealed class SocketSender : SocketAsyncEventArgs, IValueTaskSource
{
    private readonly List<ArraySegment<byte>> _segments = new(4);
    private ManualResetValueTaskSourceCore<bool> _core; // continuations run where the send completed: no extra hop

    public SocketSender() : base(unsafeSuppressExecutionContextFlow: true) { }

    public ValueTask SendAsync(Socket socket, in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            // The socket's own cached operation, no list to build.
            var pending = socket.SendAsync(buffer.First, SocketFlags.None);
            if (!pending.IsCompletedSuccessfully) return AwaitSingle(pending);
            // Reading the result hands the socket's cached operation back for the next send (unread, it makes a new one).
            _ = pending.Result;
            return default;
        }

        _segments.Clear();
        foreach (var segment in buffer)
        {
            if (!MemoryMarshal.TryGetArray(segment, out var array))
                return SendEachAsync(socket, buffer); // a pool not backed by arrays: fall back to one send per segment
            _segments.Add(array);
        }
        if (BufferList is not null) BufferList = null; // the property copies the list when set; reset it first
        BufferList = _segments;
        _core.Reset();
        if (socket.SendAsync(this)) return new ValueTask(this, _core.Version);
        return SocketError == SocketError.Success ? default : ValueTask.FromException(new SocketException((int)SocketError));
    }

    private static async ValueTask AwaitSingle(ValueTask<int> pending) => await pending.ConfigureAwait(false);

    private static async ValueTask SendEachAsync(Socket socket, ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
            await socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success) _core.SetResult(true);
        else _core.SetException(new SocketException((int)SocketError));
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);
    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
