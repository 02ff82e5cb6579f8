using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Cuttle.Hosting.Connections;

/// <summary>
/// Connection middleware (both socket transports) that makes Kestrel refuse a request whose Content-Length is signed
/// ("+5", "-0") with 400, as Go's net/http does. Kestrel parses the value with Utf8Parser, which takes a sign, and
/// keeps only the number: no feature, option or parser hook shows the raw value to the application, so the check has
/// to sit before Kestrel's parser, on the connection's bytes. See <see cref="Http1FramingScanner"/>.
/// </summary>
internal static class StrictContentLength
{
    public static ConnectionDelegate Use(ConnectionDelegate next) => connection =>
    {
        // HTTP/2 (ALPN h2, or h2c with prior knowledge) frames its requests itself: there is no HTTP/1.1 text to follow.
        if (!IsHttp2(connection)) connection.Transport = new GuardedPipe(connection.Transport);
        return next(connection);
    };

    private static bool IsHttp2(ConnectionContext connection) =>
        connection.Features.Get<ITlsApplicationProtocolFeature>() is { } alpn && alpn.ApplicationProtocol.Span.SequenceEqual("h2"u8);

    private sealed class GuardedPipe(IDuplexPipe inner) : IDuplexPipe
    {
        public PipeReader Input { get; } = new GuardedReader(inner.Input);
        public PipeWriter Output => inner.Output;
    }

    /// <summary>Hands Kestrel the transport's bytes after the scanner has seen them; never copies, never allocates.</summary>
    private sealed class GuardedReader : PipeReader, IValueTaskSource<ReadResult>
    {
        private readonly PipeReader _inner;
        private readonly Http1FramingScanner _scanner = new();
        private readonly Action _onRead;
        private ReadOnlySequence<byte> _last;
        private long _scanned; // bytes of _last (from its start) the scanner has seen
        // A pending read completes through this reusable source (a pipe has one read outstanding at a time): a
        // keep-alive connection waits for each next request here, and an async method's box per wait would be garbage.
        private ManualResetValueTaskSourceCore<ReadResult> _source;
        private ValueTaskAwaiter<ReadResult> _pending;

        public GuardedReader(PipeReader inner)
        {
            _inner = inner;
            _onRead = OnRead;
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = _inner.ReadAsync(cancellationToken);
            if (read.IsCompletedSuccessfully) return new ValueTask<ReadResult>(Examine(read.Result));
            if (read.IsCompleted) return read; // faulted or canceled: no bytes
            _source.Reset();
            _pending = read.GetAwaiter();
            _pending.UnsafeOnCompleted(_onRead);
            return new ValueTask<ReadResult>(this, _source.Version);
        }

        private void OnRead()
        {
            var pending = _pending;
            _pending = default;
            ReadResult result;
            try
            {
                result = Examine(pending.GetResult());
            }
            catch (Exception ex)
            {
                _source.SetException(ex);
                return;
            }
            _source.SetResult(result);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!_inner.TryRead(out result)) return false;
            result = Examine(result);
            return true;
        }

        private ReadResult Examine(ReadResult result)
        {
            var buffer = result.Buffer;
            if (buffer.Length > _scanned && !_scanner.Stopped) _scanner.Scan(buffer.Slice(_scanned));
            _last = buffer;
            _scanned = buffer.Length;
            return result;
        }

        ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _source.GetResult(token);
        ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _source.GetStatus(token);
        void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _source.OnCompleted(continuation, state, token, flags);

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            // What stays unconsumed is handed out again at the start of the next read: it has been scanned already.
            _scanned -= _last.Slice(0, consumed).Length;
            _last = default;
            _inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => _inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => _inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);
    }
}
