using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Cuttle.Hosting.Tls;

/// <summary>
/// The request side of an HTTPS HTTP/1.1 connection, read from the SslStream without a chain of suspended async
/// methods while the connection waits for its next request.
/// </summary>
/// <remarks>
/// Kestrel reads TLS through a StreamPipeReader over the SslStream over a stream over the socket's pipe. A keep-alive
/// connection waiting for its next request therefore holds four suspended async methods (the reader's, two of the
/// SslStream's, the inner stream's); with more connections than their per-core pools hold, each wait allocates them
/// again: about 550 bytes per request, and the CPU of suspending and resuming four frames. Here the connection waits on
/// the socket's pipe itself (a pipe read is allocation-free), then asks the SslStream for the request, which it can
/// now decrypt without waiting. A read goes to the SslStream at once when it may still hold decrypted or buffered
/// records (the first read after the handshake, and any read after one that filled the buffer); only a TLS record
/// split across packets makes the SslStream wait, as before. HTTP/2 connections (ALPN h2) keep Kestrel's reader.
/// </remarks>
internal static class TlsInput
{
    /// <summary>Before the TLS middleware: remembers the socket's reader, which the SslStream reads too.</summary>
    public static ConnectionDelegate Capture(ConnectionDelegate next) => connection =>
    {
        connection.Features.Set(new TlsInputReader(connection.Transport.Input));
        return next(connection);
    };

    /// <summary>After the TLS middleware: HTTP/1.1 connections read the SslStream through <see cref="TlsInputReader"/>.</summary>
    public static ConnectionDelegate Use(ConnectionDelegate next) => connection =>
    {
        var reader = connection.Features.Get<TlsInputReader>();
        var ssl = connection.Features.Get<ISslStreamFeature>()?.SslStream;
        if (reader is null || ssl is null || IsHttp2(connection)) return next(connection);
        return ServeAsync(next, connection, reader, ssl);
    };

    private static async Task ServeAsync(ConnectionDelegate next, ConnectionContext connection, TlsInputReader reader, SslStream ssl)
    {
        var tls = connection.Transport;
        reader.Attach(ssl);
        connection.Transport = new Duplex(reader, tls.Output);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = tls;
            reader.Release();
        }
    }

    private static bool IsHttp2(ConnectionContext connection) =>
        connection.Features.Get<ITlsApplicationProtocolFeature>() is { } alpn && alpn.ApplicationProtocol.Span.SequenceEqual("h2"u8);

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}

/// <summary>
/// A PipeReader over an SslStream that waits for the socket's bytes before it reads the SslStream (see
/// <see cref="TlsInput"/>). One contiguous pooled buffer, returned to the pool whenever the reader has consumed
/// everything, so that an idle connection holds none.
/// </summary>
internal sealed class TlsInputReader : PipeReader, IValueTaskSource<ReadResult>
{
    private const int BufferSize = 4096;
    private const int MinimumRead = 2048;

    private enum Phase { None, Peeking, Reading }

    private readonly PipeReader _socket;
    private readonly Lock _gate = new();
    private readonly Action _onPeek, _onRead;
    private SslStream? _ssl;
    private byte[]? _buffer;
    private int _start, _end, _requested;
    private bool _examinedAll, _eof, _completed;
    // The SslStream may hold decrypted bytes or whole records the socket's pipe no longer shows: read it directly.
    private bool _sslMayHoldData = true;

    // Guarded by _gate: what CancelPendingRead must interrupt.
    private Phase _phase;
    private bool _cancelRequested;
    private CancellationTokenSource _readCancel = new();

    private CancellationToken _token;
    private CancellationTokenRegistration _registration;
    private ManualResetValueTaskSourceCore<ReadResult> _source;
    private ConfiguredValueTaskAwaitable<ReadResult>.ConfiguredValueTaskAwaiter _peek;
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _read;
    private ReadResult _result;
    private Exception? _error;

    public TlsInputReader(PipeReader socket)
    {
        _socket = socket;
        _onPeek = OnPeek;
        _onRead = OnRead;
    }

    public void Attach(SslStream ssl) => _ssl = ssl;

    private ReadOnlySequence<byte> Current => _buffer is null || _end == _start ? default : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (TryReadBuffered(out var buffered)) return new ValueTask<ReadResult>(buffered);
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<ReadResult>(cancellationToken);
        _token = cancellationToken;
        if (cancellationToken.CanBeCanceled) _registration = cancellationToken.UnsafeRegister(static s => ((TlsInputReader)s!).Interrupt(requested: false), this);
        _source.Reset();
        if (!(_sslMayHoldData ? StartRead() : StartPeek())) return new ValueTask<ReadResult>(this, _source.Version);
        _registration.Dispose();
        _registration = default;
        if (_error is { } error)
        {
            _error = null;
            return ValueTask.FromException<ReadResult>(error);
        }
        return new ValueTask<ReadResult>(_result);
    }

    public override bool TryRead(out ReadResult result)
    {
        ThrowIfCompleted();
        return TryReadBuffered(out result);
    }

    private bool TryReadBuffered(out ReadResult result)
    {
        lock (_gate)
        {
            if (_cancelRequested)
            {
                _cancelRequested = false;
                result = new ReadResult(Current, isCanceled: true, _eof);
                return true;
            }
        }
        if (_eof || (_end > _start && !_examinedAll))
        {
            result = new ReadResult(Current, isCanceled: false, _eof);
            return true;
        }
        result = default;
        return false;
    }

    /// <summary>Waits for the socket's next bytes, leaving them unread for the SslStream. True: the read is finished.</summary>
    private bool StartPeek()
    {
        while (true)
        {
            lock (_gate)
            {
                if (_cancelRequested) return FinishCanceled();
                _phase = Phase.Peeking;
            }
            Next next;
            try
            {
                var read = _socket.ReadAsync();
                if (!read.IsCompleted)
                {
                    _peek = read.ConfigureAwait(false).GetAwaiter();
                    _peek.UnsafeOnCompleted(_onPeek);
                    return false;
                }
                next = AfterPeek(read.Result);
            }
            catch (Exception ex)
            {
                lock (_gate) _phase = Phase.None;
                return Fail(ex);
            }
            switch (next)
            {
                case Next.Finished: return true;
                case Next.Read: return StartRead();
            }
        }
    }

    private enum Next { Finished, Peek, Read }

    private Next AfterPeek(ReadResult socket)
    {
        // Nothing consumed, nothing examined: the SslStream's read of the socket gets these bytes at once.
        _socket.AdvanceTo(socket.Buffer.Start, socket.Buffer.Start);
        if (_token.IsCancellationRequested)
        {
            lock (_gate) _phase = Phase.None;
            Fail(new OperationCanceledException(_token));
            return Next.Finished;
        }
        lock (_gate)
        {
            if (_cancelRequested)
            {
                FinishCanceled();
                return Next.Finished;
            }
        }
        // Empty and not closed: a CancelPendingRead that came after its read had already finished. Wait again.
        return socket.Buffer.IsEmpty && !socket.IsCompleted ? Next.Peek : Next.Read;
    }

    private void OnPeek()
    {
        Next next;
        try
        {
            var socket = _peek.GetResult();
            _peek = default;
            next = AfterPeek(socket);
        }
        catch (Exception ex)
        {
            _peek = default;
            lock (_gate) _phase = Phase.None;
            Fail(ex);
            Publish();
            return;
        }
        var done = next switch
        {
            Next.Finished => true,
            Next.Peek => StartPeek(),
            _ => StartRead(),
        };
        if (done) Publish();
    }

    /// <summary>Reads the SslStream into the buffer. True: the read is finished.</summary>
    private bool StartRead()
    {
        if (_completed || _ssl is null) return Fail(new InvalidOperationException("The reader was completed."));
        CancellationToken token;
        lock (_gate)
        {
            if (_cancelRequested) return FinishCanceled();
            // A cancel that came after its read had finished leaves the source cancelled: the next read gets a new one.
            if (_readCancel.IsCancellationRequested) _readCancel = new CancellationTokenSource();
            token = _readCancel.Token;
            _phase = Phase.Reading;
        }
        EnsureSpace();
        _requested = _buffer!.Length - _end;
        int n;
        try
        {
            var read = _ssl.ReadAsync(_buffer.AsMemory(_end), token);
            if (!read.IsCompleted)
            {
                _read = read.ConfigureAwait(false).GetAwaiter();
                _read.UnsafeOnCompleted(_onRead);
                return false;
            }
            n = read.Result;
        }
        catch (Exception ex)
        {
            return ReadFailed(ex);
        }
        return AfterRead(n);
    }

    private void OnRead()
    {
        int n;
        bool done;
        try
        {
            n = _read.GetResult();
            _read = default;
            done = AfterRead(n);
        }
        catch (Exception ex)
        {
            _read = default;
            done = ReadFailed(ex);
        }
        if (done) Publish();
    }

    private bool AfterRead(int n)
    {
        lock (_gate) _phase = Phase.None;
        if (_completed) return Fail(new InvalidOperationException("The reader was completed."));
        if (n == 0)
        {
            _eof = true;
        }
        else
        {
            _end += n;
            // A short read means the SslStream had no further whole record: the next bytes come from the socket.
            _sslMayHoldData = n == _requested;
        }
        _examinedAll = false;
        ReleaseIfEmpty();
        _result = new ReadResult(Current, isCanceled: false, _eof);
        return true;
    }

    private bool ReadFailed(Exception ex)
    {
        lock (_gate) _phase = Phase.None;
        _sslMayHoldData = true; // the SslStream may keep part of a record; let it decide next time
        ReleaseIfEmpty();
        if (ex is OperationCanceledException)
        {
            if (_token.IsCancellationRequested) return Fail(new OperationCanceledException(_token));
            lock (_gate) return FinishCanceled();
        }
        return Fail(ex);
    }

    /// <summary>Called under <see cref="_gate"/>.</summary>
    private bool FinishCanceled()
    {
        _cancelRequested = false;
        _phase = Phase.None;
        _result = new ReadResult(Current, isCanceled: true, _eof);
        return true;
    }

    private bool Fail(Exception ex)
    {
        _error = ex;
        return true;
    }

    /// <summary>Completes a read that went asynchronous.</summary>
    private void Publish()
    {
        _registration.Dispose();
        _registration = default;
        if (_error is { } error)
        {
            _error = null;
            _source.SetException(error);
        }
        else
        {
            _source.SetResult(_result);
        }
    }

    private void EnsureSpace()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            _start = _end = 0;
            return;
        }
        if (_buffer.Length - _end >= MinimumRead) return;
        var live = _end - _start;
        if (_buffer.Length - live >= MinimumRead)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, live);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, live + MinimumRead));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, live);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        _start = 0;
        _end = live;
    }

    private void ReleaseIfEmpty()
    {
        if (_buffer is not null && _end == _start) ReturnBuffer();
    }

    private void ReturnBuffer()
    {
        // Exchanged: a read failing while the connection ends may get here twice.
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _start = _end = 0;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ThrowIfCompleted();
        if (_buffer is null || _end == _start)
        {
            // The empty sequence of a cancelled or final read: nothing to advance.
            _examinedAll = true;
            return;
        }
        var c = IndexOf(consumed);
        var e = IndexOf(examined);
        if (c < _start || e < c || e > _end) throw new InvalidOperationException("The examined position cannot be before the consumed one, nor outside the last buffer read.");
        _start = c;
        _examinedAll = e == _end;
        ReleaseIfEmpty();
    }

    private int IndexOf(SequencePosition position)
    {
        if (!ReferenceEquals(position.GetObject(), _buffer)) throw new InvalidOperationException("The position is not from the last buffer this reader returned.");
        return position.GetInteger() & int.MaxValue;
    }

    private void ThrowIfCompleted()
    {
        if (_completed) throw new InvalidOperationException("Reading is not allowed after the reader was completed.");
    }

    public override void CancelPendingRead() => Interrupt(requested: true);

    /// <summary>Wakes a waiting read: CancelPendingRead (a cancelled result) or the caller's token (an OperationCanceledException).</summary>
    private void Interrupt(bool requested)
    {
        Phase phase;
        CancellationTokenSource cancel;
        lock (_gate)
        {
            if (requested) _cancelRequested = true;
            phase = _phase;
            cancel = _readCancel;
        }
        // Outside the lock: either may run the continuation inline. If the read finished meanwhile, the socket's next
        // read returns empty and cancelled (the peek waits again, Kestrel's stream over the socket reads again) and the
        // cancelled source is replaced before the next SslStream read.
        if (phase == Phase.Peeking) _socket.CancelPendingRead();
        else if (phase == Phase.Reading) cancel.Cancel();
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        Release();
    }

    /// <summary>Returns the buffer unless a read is still writing into it (then it is left to the collector).</summary>
    internal void Release()
    {
        lock (_gate)
        {
            if (_phase != Phase.None) return;
        }
        ReturnBuffer();
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _source.GetResult(token);
    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _source.GetStatus(token);
    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
