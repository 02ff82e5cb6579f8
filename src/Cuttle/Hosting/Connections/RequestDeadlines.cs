using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Cuttle.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Cuttle.Hosting.Connections;

/// <summary>
/// The service's <c>write_timeout</c> and the body part of its <c>read_timeout</c>, as Go's http.Server applies them.
/// Go sets a write deadline on the connection once a request head has been read: a handler slower than that, or a
/// response the client takes too slowly, fails the write and the connection is closed (HTTP/1.x); over HTTP/2 a per-stream
/// timer resets that stream with INTERNAL_ERROR. The read deadline covers the head and the whole body: a body read after
/// it fails (HTTP/1.x: the connection's read fails, which ends the connection; HTTP/2: the stream's body fails).
/// </summary>
/// <remarks>
/// Cost: nothing when neither timeout is set. Otherwise one pooled <see cref="Deadline"/> per request in flight, each
/// owning one timer created once and re-armed per request (no timer allocation on the hot path), plus a small body
/// wrapper (48 bytes) for requests that carry a body when read_timeout is set. The read deadline is measured from the moment the
/// head has been read (Kestrel does not say when its first byte arrived); the head itself is bounded by Kestrel's
/// request-head timeout, which takes read_timeout when read_header_timeout is unset.
/// </remarks>
internal sealed partial class RequestDeadlines(TimeProvider time, ILogger logger)
{
    // Enough for the requests a busy gateway has in flight at once; beyond it a finished deadline's timer is disposed.
    private const int MaxPooled = 4096;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly ConcurrentQueue<Deadline> _pool = new();
    private int _pooled;

    /// <summary>
    /// Starts the deadlines of one request; null (and no cost) when neither applies. The caller ends them with
    /// <see cref="Deadline.Finish"/> when the handler returns.
    /// </summary>
    public Deadline? Start(HttpContext context, TimeSpan readTimeout, TimeSpan writeTimeout)
    {
        DeadlineRequestBody? body = null;
        // A request without a body has nothing left to read once its head is in (Go clears the read deadline then).
        if (readTimeout > TimeSpan.Zero && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
        {
            var http2 = HttpProtocol.IsHttp2(context.Request.Protocol);
            // HTTP/2: the reader under the body stream, to wake a read that waits for a trickle when the deadline passes.
            body = new DeadlineRequestBody(context.Request.Body, context, http2 ? context.Request.BodyReader : null);
            context.Request.Body = body;
        }
        else readTimeout = TimeSpan.Zero;
        if (writeTimeout <= TimeSpan.Zero && body is null) return null;
        if (!_pool.TryDequeue(out var deadline)) deadline = new Deadline(this);
        else Interlocked.Decrement(ref _pooled);
        deadline.Arm(context, body, readTimeout, writeTimeout);
        return deadline;
    }

    private void Return(Deadline deadline)
    {
        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            _pool.Enqueue(deadline);
            return;
        }
        Interlocked.Decrement(ref _pooled);
        deadline.Dispose();
    }

    /// <summary>The deadlines of one request in flight: one timer, due at the earlier of the two, re-armed for the other.</summary>
    internal sealed class Deadline : IDisposable
    {
        private readonly RequestDeadlines _owner;
        private readonly ITimer _timer;
        // The timer's callback and the request's end can meet: both hold this lock, so a deadline never acts on a context
        // Kestrel has already handed to the connection's next request.
        private readonly Lock _gate = new();
        private HttpContext? _context;
        private DeadlineRequestBody? _body;
        private long _started;
        private TimeSpan _read, _write; // zero once passed or not set

        public Deadline(RequestDeadlines owner)
        {
            _owner = owner;
            _timer = owner._time.CreateTimer(static s => ((Deadline)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public void Arm(HttpContext context, DeadlineRequestBody? body, TimeSpan read, TimeSpan write)
        {
            lock (_gate)
            {
                _context = context;
                _body = body;
                _read = read;
                _write = write;
                _started = _owner._time.GetTimestamp();
                _timer.Change(Next(TimeSpan.Zero), Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>The handler returned: nothing of this request is cut any more; the deadline goes back to the pool.</summary>
        public void Finish()
        {
            lock (_gate)
            {
                _context = null;
                _body?.Detach();
                _body = null;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            _owner.Return(this);
        }

        private TimeSpan Next(TimeSpan elapsed)
        {
            var next = Timeout.InfiniteTimeSpan;
            if (_read > TimeSpan.Zero) next = _read - elapsed;
            if (_write > TimeSpan.Zero && (next == Timeout.InfiniteTimeSpan || _write - elapsed < next)) next = _write - elapsed;
            return next == Timeout.InfiniteTimeSpan || next > TimeSpan.Zero ? next : TimeSpan.Zero;
        }

        private void OnTimer()
        {
            lock (_gate)
            {
                if (_context is not { } context) return; // finished meanwhile
                var elapsed = _owner._time.GetElapsedTime(_started);
                var http2 = HttpProtocol.IsHttp2(context.Request.Protocol);
                if (_write > TimeSpan.Zero && elapsed >= _write)
                {
                    _write = _read = TimeSpan.Zero;
                    Log.WriteTimeout(_owner._logger, context.Request.Method, context.Request.Path.Value ?? "");
                    // Go: HTTP/2 resets the stream (INTERNAL_ERROR); HTTP/1.x fails the write, which closes the connection.
                    if (http2 && context.Features.Get<IHttpResetFeature>() is { } reset) reset.Reset(Http2InternalError);
                    else context.Abort();
                    return;
                }
                if (_read > TimeSpan.Zero && elapsed >= _read)
                {
                    _read = TimeSpan.Zero;
                    if (_body is { Completed: false } body && body.Expire())
                        Log.ReadTimeout(_owner._logger, context.Request.Method, context.Request.Path.Value ?? "");
                }
                _timer.Change(Next(elapsed), Timeout.InfiniteTimeSpan);
            }
        }

        public void Dispose() => _timer.Dispose();
    }

    // RFC 9113 section 7: INTERNAL_ERROR, the code Go's server resets a stream with when its WriteTimeout fires.
    private const int Http2InternalError = 0x2;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.WriteTimeoutExpired, Level = LogLevel.Debug, Message = "write_timeout passed serving {Method} {Path}: the response is cut")]
        public static partial void WriteTimeout(ILogger logger, string method, string path);

        [LoggerMessage(EventId = EventIds.ReadTimeoutExpired, Level = LogLevel.Debug, Message = "read_timeout passed before the body of {Method} {Path} was read: the body read fails")]
        public static partial void ReadTimeout(ILogger logger, string method, string path);
    }
}

/// <summary>
/// A request body under the read deadline, failing as Go's connection read does: a read that has to wait for the client
/// after the deadline fails (HTTP/1.x: the connection is aborted, as Go closes a connection whose read failed; HTTP/2:
/// the stream's body read fails), while bytes already received are still served, as Go serves what its connection
/// buffer holds. It also notes when the body has been read to its end: the deadline no longer applies (Go clears it).
/// </summary>
internal sealed class DeadlineRequestBody(Stream inner, HttpContext context, PipeReader? http2Reader) : Stream
{
    private const int Waiting = 1, Expired = 2;
    private int _state; // Waiting while a read waits for the client; Expired once the deadline passed
    private HttpContext? _context = context;

    public bool Completed { get; private set; }

    /// <summary>The deadline passed: a read waiting now, or later, fails. True when one was cut at once.</summary>
    public bool Expire()
    {
        if ((Interlocked.Or(ref _state, Expired) & Waiting) == 0) return false;
        Cut();
        return true;
    }

    /// <summary>The request ended: a stray late read must not touch the context Kestrel reuses for the next request.</summary>
    public void Detach() => Volatile.Write(ref _context, null);

    private void Cut()
    {
        if (http2Reader is not null) http2Reader.CancelPendingRead(); // the waiting read returns, cancelled
        else Volatile.Read(ref _context)?.Abort(); // the waiting read fails with the connection
    }

    private bool IsExpired => (Volatile.Read(ref _state) & Expired) != 0;

    private static IOException ExpiredError() => new("read_timeout: the request body did not arrive in time (i/o timeout)");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Synchronous reads are not used by the gateway (Kestrel refuses them by default); only the end is noted.
        var n = inner.Read(buffer);
        if (n == 0 && buffer.Length > 0) Completed = true;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            // Bytes already received: served even past the deadline.
            var n = read.Result;
            if (n == 0 && buffer.Length > 0) Completed = true;
            return new ValueTask<int>(n);
        }
        return WaitAsync(read, buffer.Length, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // a body read that waits allocates nothing
    private async ValueTask<int> WaitAsync(ValueTask<int> read, int length, CancellationToken cancellationToken)
    {
        // Expire sets its bit, then looks for this one; this sets its bit, then looks for Expire's: one of them cuts.
        if ((Interlocked.Or(ref _state, Waiting) & Expired) != 0) Cut();
        int n;
        try
        {
            n = await read.ConfigureAwait(false);
        }
        catch (Exception e) when (IsExpired && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException) // the cut read: cancelled (HTTP/2) or aborted (HTTP/1.x)
        {
            throw ExpiredError();
        }
        finally
        {
            Interlocked.And(ref _state, ~Waiting);
        }
        if (n == 0 && length > 0) Completed = true;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
