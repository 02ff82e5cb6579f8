using System.Buffers;
using System.Buffers.Text;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Cuttle.Go;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// One HTTP/1.1 connection: writes a request head into a pooled buffer, parses the response head in place, and
/// reads the body with Content-Length, chunked or read-until-close framing. The parsed head stays valid until the
/// response is disposed; then the connection goes back to its pool only when the body was read to the end and
/// neither side asked to close (Go's persistConn rule).
/// </summary>
internal sealed class HttpConnection : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private const int MaxHeadBytes = 64 * 1024; // Go's default MaxResponseHeaderBytes is 1 MB; 64 KB is plenty for backends
    private const int CopyBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly SslStream? _tls; // over _socket for an https backend; every read and write then goes through it
    private readonly ConnectionPool _pool;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;

    private byte[] _head = ArrayPool<byte>.Shared.Rent(4096);
    private HeaderRange[] _headers = new HeaderRange[32];
    private int _headerCount;
    private readonly HeaderCache _cache = new();

    private BodyFraming _framing;
    private int _headScanFrom; // where the unfinished line of a partly received head starts (relative to _start)
    private long _remaining;
    private bool _chunkNeedsCrlf;
    private bool _keepAlive;
    private bool _disposed;

    // Expect: 100-continue (only with expect_continue_timeout set): a final response head parsed while waiting for
    // 100 Continue, and a head read still in flight when the wait timed out (the head loop takes it over).
    private bool _headReady;
    private Task<int>? _pendingReceive;

    /// <summary>RFC 9110 §5.6.2 tchar: what a method and a header name are made of.</summary>
    private static readonly SearchValues<char> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Control characters but HTAB (RFC 9110 §5.5; Go's httpguts.ValidHeaderFieldValue).</summary>
    private static readonly SearchValues<char> ValueRefused = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\n\u000b\f\r\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    /// <summary>All control characters and space: a request-target has no whitespace (RFC 9112 §3.2).</summary>
    private static readonly SearchValues<char> TargetRefused = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f ");

    public HttpConnection(Socket socket, ConnectionPool pool)
    {
        _socket = socket;
        _pool = pool;
    }

    /// <summary>A TLS connection: <paramref name="tls"/> is authenticated and wraps <paramref name="socket"/>.</summary>
    public HttpConnection(Socket socket, SslStream tls, ConnectionPool pool) : this(socket, pool) => _tls = tls;

    /// <summary>Whether this connection already served a response (a failure on it may be a stale keep-alive).</summary>
    public bool IsReused { get; private set; }

    /// <summary>Whether any byte of the current response arrived.</summary>
    public bool ResponseStarted { get; private set; }

    /// <summary>Whether any byte of a streamed request body was consumed.</summary>
    public bool BodyStarted { get; private set; }

    public long IdleSince { get; set; }

    // detailed_connection: how this connection was set up (Stopwatch ticks, 0 when the phase did not happen: an IP
    // literal needs no lookup, http no handshake), and per request how long getting it took and when the first
    // response byte came. Fields of the connection, so measuring allocates nothing per request.
    public long DnsTicks { get; set; }
    public long TlsTicks { get; set; }
    public long GetConnTicks { get; set; }
    public long FirstByteAt { get; private set; }

    /// <summary>The current request's connection timings: a reused connection had no lookup and no handshake for it.</summary>
    public ConnectionTimings Timings => IsReused
        ? new ConnectionTimings(Reused: true, GetConnTicks, 0, 0, FirstByteAt)
        : new ConnectionTimings(Reused: false, GetConnTicks, DnsTicks, TlsTicks, FirstByteAt);

    public int StatusCode { get; private set; }
    public long? ContentLength { get; private set; }
    public bool IsGzip { get; private set; }
    public bool BodyComplete { get; private set; }
    public bool CanReuse => BodyComplete && _keepAlive && !_disposed;
    public int HeaderCount => _headerCount;

    /// <summary>Whether the body is framed by chunked coding (its Content-Length, if any, was ignored and is not forwarded).</summary>
    public bool IsChunked => _framing == BodyFraming.Chunked;

    /// <summary>
    /// Whether the peer closed the idle connection or sent unsolicited bytes on it: then it must not be used. An
    /// idle HTTP/1.1 connection has nothing to read; anything readable is an EOF or bytes nobody asked for (a late
    /// answer, or a body longer than its Content-Length), which would be read as the next request's response. Go
    /// closes such a connection ("Unsolicited response received on idle HTTP channel"). One non-blocking poll(2).
    /// </summary>
    public bool LooksDead()
    {
        try { return _socket.Poll(0, SelectMode.SelectRead); }
        catch (Exception) { return true; }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteRequestAsync(BackendRequest request, bool acceptGzip, CancellationToken ct)
    {
        ResponseStarted = false;
        BodyStarted = false;
        BodyComplete = false;
        var path = request.Url.AsSpan(request.PathStart);
        // Last line of defence against request splitting and smuggling (RFC 9112 §3, §5): nothing that would end the
        // request line or a header early goes out. Go's transport refuses such a method (validMethod) and its URLs
        // cannot hold one (url.Parse); the request fails before a single byte is written.
        if (request.Method.Length == 0 || request.Method.AsSpan().IndexOfAnyExcept(TokenChars) >= 0)
            throw new HttpRequestException($"net/http: invalid method {GoStrconv.Quote(request.Method)}");
        if (path.IndexOfAny(TargetRefused) >= 0)
            throw new HttpRequestException($"net/http: invalid request URI {GoStrconv.Quote(path.ToString())}");
        if (request.Authority.AsSpan().IndexOfAny(TargetRefused) >= 0)
            throw new HttpRequestException("http: invalid Host header");
        if (request.Referer is { } refererValue && refererValue.AsSpan().IndexOfAny(ValueRefused) >= 0)
            throw new HttpRequestException("net/http: invalid header field value for \"Referer\"");
        var head = new HeadWriter(ArrayPool<byte>.Shared.Rent(4096));
        var expectContinue = false;
        try
        {
            head.WriteAscii(request.Method);
            head.WriteByte((byte)' ');
            if (path.IsEmpty || path[0] == '?') head.WriteByte((byte)'/');
            head.WriteUtf8(path);
            head.WriteLiteral(" HTTP/1.1\r\nHost: "u8);
            head.WriteUtf8(request.Authority);
            head.WriteLiteral("\r\n"u8);
            var hasAcceptEncoding = false;
            var mayWait = _pool.ExpectContinueTimeout > TimeSpan.Zero && request.BodyKind is BackendBodyKind.Bytes or BackendBodyKind.Stream;
            if (request.Headers is { } headers)
            {
                foreach (var (name, values) in headers)
                {
                    if (request.HeaderFilter is not null && !request.HeaderFilter.Contains(name)) continue;
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                    if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
                    if (request.Trace is not null && TraceHeaders.Is(name)) continue;
                    if (name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase)) hasAcceptEncoding = true;
                    // Go's expectsContinue: the first Expect value holds the token 100-continue.
                    if (mayWait && !expectContinue && name.Equals("Expect", StringComparison.OrdinalIgnoreCase) && values.Count > 0)
                        expectContinue = HasToken(values[0], "100-continue");
                    // Go's transport checks every header before writing (httpguts.ValidHeaderFieldName: a token,
                    // RFC 9110 §5.1; ValidHeaderFieldValue: no CTL but HTAB, RFC 9110 §5.5). Headers set by scripts
                    // (Lua, CEL) reach here unchecked; a client's own cannot carry CR/LF through the server.
                    if (name.Length == 0 || name.AsSpan().IndexOfAnyExcept(TokenChars) >= 0)
                        throw new HttpRequestException($"net/http: invalid header field name {GoStrconv.Quote(name)}");
                    for (var i = 0; i < values.Count; i++)
                    {
                        var value = values[i] ?? "";
                        if (value.AsSpan().IndexOfAny(ValueRefused) >= 0)
                            throw new HttpRequestException($"net/http: invalid header field value for {GoStrconv.Quote(name)}");
                        head.WriteUtf8(name);
                        head.WriteLiteral(": "u8);
                        head.WriteUtf8(value);
                        head.WriteLiteral("\r\n"u8);
                    }
                }
            }
            if (request.Referer is { } referer)
            {
                head.WriteLiteral("Referer: "u8);
                head.WriteUtf8(referer);
                head.WriteLiteral("\r\n"u8);
            }
            // Validators come from a stored response's fields, which had their control characters blanked already.
            if (request.IfNoneMatch is { } etag && etag.AsSpan().IndexOfAny(ValueRefused) < 0)
            {
                head.WriteLiteral("If-None-Match: "u8);
                head.WriteUtf8(etag);
                head.WriteLiteral("\r\n"u8);
            }
            if (request.IfModifiedSince is { } lastModified && lastModified.AsSpan().IndexOfAny(ValueRefused) < 0)
            {
                head.WriteLiteral("If-Modified-Since: "u8);
                head.WriteUtf8(lastModified);
                head.WriteLiteral("\r\n"u8);
            }
            if (request.Trace is { } trace)
            {
                // Formatted by the gateway from numbers (hex and dashes); the tracestate is the client's, so it is checked like any value.
                Span<char> traceparent = stackalloc char[Data.TraceParent.Length];
                trace.Parent.Format(traceparent);
                head.WriteLiteral("traceparent: "u8);
                head.WriteUtf8(traceparent);
                head.WriteLiteral("\r\n"u8);
                if (!string.IsNullOrEmpty(trace.TraceState) && trace.TraceState.AsSpan().IndexOfAny(ValueRefused) < 0)
                {
                    head.WriteLiteral("tracestate: "u8);
                    head.WriteUtf8(trace.TraceState);
                    head.WriteLiteral("\r\n"u8);
                }
            }
            // Go's transport asks for gzip itself when the caller did not, and then decodes it transparently.
            if (acceptGzip && !hasAcceptEncoding) head.WriteLiteral("Accept-Encoding: gzip\r\n"u8);
            if (_pool.DisableKeepAlives) head.WriteLiteral("Connection: close\r\n"u8);

            var chunked = false;
            switch (request.BodyKind)
            {
                case BackendBodyKind.Empty:
                    head.WriteLiteral("Content-Length: 0\r\n"u8);
                    break;
                case BackendBodyKind.Bytes or BackendBodyKind.Stream when request.ContentLength is { } length:
                    head.WriteLiteral("Content-Length: "u8);
                    head.WriteInt(length);
                    head.WriteLiteral("\r\n"u8);
                    break;
                case BackendBodyKind.Bytes or BackendBodyKind.Stream:
                    head.WriteLiteral("Transfer-Encoding: chunked\r\n"u8);
                    chunked = true;
                    break;
            }
            head.WriteLiteral("\r\n"u8);

            if (!expectContinue && request.BodyKind == BackendBodyKind.Bytes && request.BodyBytes is { } bytes && bytes.Length <= CopyBufferSize)
            {
                // Small in-memory bodies travel in the same write as the head.
                if (chunked && bytes.Length > 0) { head.WriteHex(bytes.Length); head.WriteLiteral("\r\n"u8); }
                head.WriteBytes(bytes);
                if (chunked) head.WriteLiteral(bytes.Length > 0 ? "\r\n0\r\n\r\n"u8 : "0\r\n\r\n"u8);
                await SendAsync(head.Written, ct).ConfigureAwait(false);
                return;
            }
            await SendAsync(head.Written, ct).ConfigureAwait(false);
        }
        finally
        {
            head.Dispose();
        }

        if (expectContinue && !await AwaitContinueAsync(request.Method == "HEAD", acceptGzip, ct).ConfigureAwait(false)) return;
        if (request.BodyKind == BackendBodyKind.Bytes) await WriteBytesBodyAsync(request.BodyBytes!, request.ContentLength is null, ct).ConfigureAwait(false);
        else if (request.BodyKind == BackendBodyKind.Stream) await WriteStreamBodyAsync(request.BodyStream!, request.ContentLength is null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Go's waitForContinue after the head of a request with Expect: 100-continue went out: true (send the body) on
    /// 100 Continue or when expect_continue_timeout passes first; other interim answers (103) keep it waiting. A final
    /// answer before either is parsed here and decides as Go's readResponse does: the body goes only when the
    /// connection stays open (a backend that keeps it open still reads the body as the next bytes); when the answer
    /// closes it the body is never sent. A head read still pending at the timeout is left for the head loop.
    /// </summary>
    private async ValueTask<bool> AwaitContinueAsync(bool isHead, bool decompress, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timeout = Task.Delay(_pool.ExpectContinueTimeout, _pool.TimeProvider, stop.Token);
        try
        {
            while (true)
            {
                var receive = ReceiveHeadBytesAsync(ct).AsTask();
                if (await Task.WhenAny(receive, timeout).ConfigureAwait(false) != receive)
                {
                    _pendingReceive = receive;
                    return true;
                }
                int read;
                try { read = await receive.ConfigureAwait(false); }
                catch (SocketException se) { throw ReadFailure(se); }
                HeadBytesReceived(read);
                int length;
                while ((length = FindHeadEnd(out var consumed)) >= 0)
                {
                    var status = InterimStatus(_buffer.AsSpan(_start, length));
                    if (status == 0) break; // a final answer (or a malformed one, which TryReadHead refuses)
                    _start += consumed;
                    _headScanFrom = 0;
                    if (status == 100) return true;
                }
                if (length < 0)
                {
                    if (_end - _start >= MaxHeadBytes) throw new HttpRequestException("net/http: server response headers exceeded 65536 bytes");
                    continue;
                }
                TryReadHead(isHead, decompress);
                _headReady = true;
                return _keepAlive;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false); // the timer goes with the wait, not at its full length
        }
    }

    /// <summary>The status of a buffered head when it is an interim one the wait skips (100, 102, 103...; not 101), else 0.</summary>
    private static int InterimStatus(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || head[9] != (byte)'1' || !IsDigit(head[10]) || !IsDigit(head[11])) return 0;
        var status = 100 + (head[10] - '0') * 10 + head[11] - '0';
        return status == 101 ? 0 : status;
    }

    /// <summary>Go's hasToken: <paramref name="token"/> in a comma or space separated value, case-insensitively.</summary>
    private static bool HasToken(string? value, string token)
    {
        if (value is null) return false;
        foreach (var range in value.AsSpan().Split(','))
        {
            if (value.AsSpan(range).Trim(" \t").Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private async ValueTask WriteBytesBodyAsync(byte[] bytes, bool chunked, CancellationToken ct)
    {
        if (chunked) await SendChunkHeaderAsync(bytes.Length, ct).ConfigureAwait(false);
        await SendAsync(bytes, ct).ConfigureAwait(false);
        if (chunked) await SendAsync("\r\n0\r\n\r\n"u8.ToArray(), ct).ConfigureAwait(false);
    }

    private async ValueTask WriteStreamBodyAsync(Stream body, bool chunked, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            const int Reserve = 16; // room for the chunk size line
            while (true)
            {
                var read = await body.ReadAsync(buffer.AsMemory(Reserve, buffer.Length - Reserve - 2), ct).ConfigureAwait(false);
                BodyStarted = true;
                if (read == 0) break;
                if (!chunked)
                {
                    await SendAsync(buffer.AsMemory(Reserve, read), ct).ConfigureAwait(false);
                    continue;
                }
                var n = WriteChunkSize(buffer, Reserve, read);
                buffer[Reserve + read] = (byte)'\r';
                buffer[Reserve + read + 1] = (byte)'\n';
                await SendAsync(buffer.AsMemory(Reserve - n, n + read + 2), ct).ConfigureAwait(false);
            }
            if (chunked)
            {
                "0\r\n\r\n"u8.CopyTo(buffer);
                await SendAsync(buffer.AsMemory(0, 5), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes "size-in-hex\r\n" so that it ends right before <paramref name="end"/>; returns its length.</summary>
    private static int WriteChunkSize(byte[] buffer, int end, int size)
    {
        Span<byte> text = stackalloc byte[16];
        Utf8Formatter.TryFormat(size, text, out var n, new StandardFormat('x'));
        text[n++] = (byte)'\r';
        text[n++] = (byte)'\n';
        text[..n].CopyTo(buffer.AsSpan(end - n));
        return n;
    }

    private ValueTask SendChunkHeaderAsync(int length, CancellationToken ct)
    {
        var size = new byte[18];
        Utf8Formatter.TryFormat(length, size, out var n, new StandardFormat('x'));
        size[n++] = (byte)'\r';
        size[n++] = (byte)'\n';
        return SendAsync(size.AsMemory(0, n), ct);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (_tls is not null)
        {
            // SslStream writes all of it (as records) or throws; a socket failure arrives as an IOException around it.
            try { await _tls.WriteAsync(data, ct).ConfigureAwait(false); }
            catch (IOException ex) { throw new HttpRequestException(ex.InnerException is SocketException se ? SocketErrors.Describe("write", se) : "write: " + ex.Message, ex); }
            return;
        }
        while (!data.IsEmpty)
        {
            int sent;
            try { sent = await _socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false); }
            catch (SocketException se) { throw new HttpRequestException(SocketErrors.Describe("write", se)); }
            data = data[sent..];
        }
    }

    /// <summary>
    /// Parses the response head when all of it is buffered, skipping 1xx interim responses, and sets up body framing;
    /// false when more bytes are needed (<see cref="ReceiveHeadBytesAsync"/>). Split from the receive so that the
    /// client's one async frame drives the whole exchange: each extra awaiting frame costs a state-machine box per
    /// request once the socket read has to wait.
    /// </summary>
    public bool TryReadHead(bool isHead, bool decompress)
    {
        if (_headReady)
        {
            _headReady = false; // parsed already, while waiting for 100 Continue
            return true;
        }
        while (true)
        {
            var length = FindHeadEnd(out var consumed);
            if (length < 0)
            {
                if (_end - _start >= MaxHeadBytes) throw new HttpRequestException("net/http: server response headers exceeded 65536 bytes");
                return false;
            }
            if (_head.Length < length)
            {
                ArrayPool<byte>.Shared.Return(_head);
                _head = ArrayPool<byte>.Shared.Rent(length);
            }
            _buffer.AsSpan(_start, length).CopyTo(_head);
            _start += consumed;
            _headScanFrom = 0;
            ParseHead(length);
            if (StatusCode is >= 100 and < 200)
            {
                // 101 means the backend switched protocols: only the SocketsHttpHandler path handles Upgrade.
                if (StatusCode == 101) throw new HttpRequestException("unexpected 101 Switching Protocols");
                continue; // 1xx interim responses (100 Continue, 103 Early Hints) are skipped like Go does
            }
            break;
        }

        if (isHead || StatusCode is 204 or 304) _framing = BodyFraming.None;
        else if (_framing == BodyFraming.Chunked) { _remaining = 0; _chunkNeedsCrlf = false; }
        else if (ContentLength is { } cl) { _framing = BodyFraming.ContentLength; _remaining = cl; }
        else { _framing = BodyFraming.UntilClose; _keepAlive = false; }
        if (_framing == BodyFraming.None || (_framing == BodyFraming.ContentLength && _remaining == 0)) BodyComplete = true;
        IsGzip = decompress && IsGzip && _framing != BodyFraming.None;
        return true;
    }

    /// <summary>
    /// Finds the empty line ending the buffered head: returns the length of the head's lines (each with its line
    /// ending) and sets <paramref name="consumed"/> to that plus the empty line, or -1 when it has not arrived yet.
    /// Lines may end in a bare LF: RFC 9112 section 2.2 lets a recipient accept it, and Go's textproto reader does.
    /// Scanning resumes at the unfinished line, so a head trickling in byte by byte is still scanned once.
    /// </summary>
    private int FindHeadEnd(out int consumed)
    {
        var data = _buffer.AsSpan(_start, _end - _start);
        var pos = _headScanFrom;
        while (true)
        {
            var lf = data[pos..].IndexOf((byte)'\n');
            if (lf < 0) break;
            var next = pos + lf + 1;
            if (next < data.Length && data[next] == (byte)'\n')
            {
                consumed = next + 1;
                return next;
            }
            if (next + 1 < data.Length && data[next] == (byte)'\r' && data[next + 1] == (byte)'\n')
            {
                consumed = next + 2;
                return next;
            }
            if (next == data.Length || (next + 1 == data.Length && data[next] == (byte)'\r')) break; // the next line is still arriving
            pos = next;
        }
        _headScanFrom = pos;
        consumed = 0;
        return -1;
    }

    /// <summary>Starts a receive of more head bytes (the socket's own ValueTask: no frame of ours); pass the result to <see cref="HeadBytesReceived"/>.</summary>
    public ValueTask<int> ReceiveHeadBytesAsync(CancellationToken ct)
    {
        if (_pendingReceive is { } pending)
        {
            _pendingReceive = null; // started while waiting for 100 Continue, into the buffer as it is
            return new ValueTask<int>(pending);
        }
        PrepareFill();
        return _tls is null ? _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct) : _tls.ReadAsync(_buffer.AsMemory(_end), ct);
    }

    public void HeadBytesReceived(int read)
    {
        if (read == 0) throw new HttpRequestException(ResponseStarted ? "unexpected EOF" : "EOF");
        if (!ResponseStarted) FirstByteAt = System.Diagnostics.Stopwatch.GetTimestamp();
        _end += read;
        ResponseStarted = true;
    }

    /// <summary>The error a failed socket read maps to: before any response byte it is a request failure (retryable).</summary>
    public Exception ReadFailure(SocketException se) => !ResponseStarted
        ? new HttpRequestException(SocketErrors.Describe("read", se))
        : new IOException(SocketErrors.Describe("read", se), se);

    private void ParseHead(int length)
    {
        if (_head.AsSpan(0, length).IndexOf("\n "u8) >= 0 || _head.AsSpan(0, length).IndexOf("\n\t"u8) >= 0)
            length = UnfoldHeaderLines(_head.AsSpan(0, length));
        var head = _head.AsSpan(0, length);
        var lineEnd = head.IndexOf((byte)'\n');
        var statusLine = TrimCr(head[..lineEnd]);
        // "HTTP/1.1 200 OK": Go's ReadResponse wants a three-digit code (strconv.Atoi, not negative); 100-999 is what
        // an HTTP status code is (RFC 9110 section 15), and what Kestrel can send on.
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !IsDigit(statusLine[9]) || !IsDigit(statusLine[10]) || !IsDigit(statusLine[11]) || statusLine[9] == (byte)'0'
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
            throw new HttpRequestException($"malformed HTTP response \"{Encoding.Latin1.GetString(statusLine[..Math.Min(statusLine.Length, 64)])}\"");
        StatusCode = (statusLine[9] - '0') * 100 + (statusLine[10] - '0') * 10 + statusLine[11] - '0';
        var http11 = statusLine[7] == (byte)'1';
        _keepAlive = http11; // HTTP/1.0 closes unless told otherwise
        ContentLength = null;
        IsGzip = false;
        _framing = BodyFraming.ContentLength;
        _headerCount = 0;
        var contentLength = -1; // index of the first Content-Length header
        var transferEncoding = -1; // index of the first Transfer-Encoding header
        var transferEncodings = 0;
        var conflictingLengths = false;
        var pos = lineEnd + 1;
        while (pos < length)
        {
            var end = head[pos..].IndexOf((byte)'\n');
            if (end < 0) end = length - pos;
            var line = TrimCr(head.Slice(pos, end));
            var colon = line.IndexOf((byte)':');
            // Go's textproto refuses a line without a colon and a field name that is not a token (a space before the
            // colon, a folded line): read leniently, "Content-Length : 5" would frame differently elsewhere.
            if (colon <= 0 || line[..colon].IndexOfAnyExcept(TokenBytes) >= 0)
                throw new HttpRequestException($"malformed MIME header line: {Encoding.Latin1.GetString(line[..Math.Min(line.Length, 64)])}");
            var valueStart = colon + 1;
            while (valueStart < line.Length && line[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
            var valueEnd = line.Length;
            while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t') valueEnd--;
            if (_headerCount == _headers.Length) Array.Resize(ref _headers, _headers.Length * 2);
            _headers[_headerCount] = new HeaderRange(pos, colon, pos + valueStart, valueEnd - valueStart);
            var name = line[..colon];
            var value = line[valueStart..valueEnd];
            if (name.EqualsIgnoreCase("Content-Length"u8))
            {
                // Go (transfer.go fixLength): repeated Content-Length headers must carry the same text.
                if (contentLength < 0) contentLength = _headerCount;
                else if (!HeaderValue(contentLength).SequenceEqual(value)) conflictingLengths = true;
            }
            else if (name.EqualsIgnoreCase("Transfer-Encoding"u8))
            {
                if (transferEncoding < 0) transferEncoding = _headerCount;
                transferEncodings++;
            }
            else if (name.EqualsIgnoreCase("Connection"u8))
            {
                if (ContainsToken(value, "close"u8)) _keepAlive = false;
                else if (ContainsToken(value, "keep-alive"u8)) _keepAlive = true;
            }
            else if (name.EqualsIgnoreCase("Content-Encoding"u8))
            {
                IsGzip = value.EqualsIgnoreCase("gzip"u8);
            }
            _headerCount++;
            pos += end + 1;
        }

        // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length. Go (transfer.go parseTransferEncoding)
        // ignores it on HTTP/1.0 and otherwise accepts exactly one field that is exactly "chunked"; anything else
        // ("gzip", "identity", "gzip, chunked", two fields) is an error, never a guess at the framing.
        if (transferEncodings > 0 && http11)
        {
            if (transferEncodings > 1) throw new HttpRequestException("too many transfer encodings");
            var te = HeaderValue(transferEncoding);
            if (!te.EqualsIgnoreCase("chunked"u8))
                throw new HttpRequestException($"unsupported transfer encoding: \"{Encoding.Latin1.GetString(te[..Math.Min(te.Length, 64)])}\"");
            _framing = BodyFraming.Chunked;
            return; // its Content-Length is dropped, as Go does
        }
        if (conflictingLengths) throw new HttpRequestException("http: message cannot contain multiple Content-Length headers");
        if (contentLength >= 0) ContentLength = ParseContentLength(HeaderValue(contentLength));
    }

    /// <summary>
    /// Joins obs-fold continuation lines (RFC 9112 section 5.2: a line starting with a space or a tab continues the
    /// field above) in place, as Go's textproto does: each part trimmed, joined by one space. A recipient must replace
    /// obs-fold with spaces or refuse the message; Go (and so KrakenD) accepts it. The first field line cannot continue
    /// anything and is left to fail as a malformed line, as Go refuses it. Returns the new length of the head.
    /// </summary>
    private static int UnfoldHeaderLines(Span<byte> head)
    {
        var write = head.IndexOf((byte)'\n') + 1; // the status line stays
        var read = write;
        var firstField = true;
        while (read < head.Length)
        {
            var lf = head[read..].IndexOf((byte)'\n');
            var next = lf < 0 ? head.Length : read + lf + 1;
            var line = head[read..(lf < 0 ? head.Length : read + lf)];
            if (!firstField && line.Length > 0 && line[0] is (byte)' ' or (byte)'\t')
            {
                // Back over the line ending and trailing whitespace written for the line above, then " " + this part.
                while (write > 0 && head[write - 1] is (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t') write--;
                var part = TrimCr(line).Trim(" \t"u8);
                head[write++] = (byte)' ';
                part.CopyTo(head[write..]);
                write += part.Length;
                head[write++] = (byte)'\n';
            }
            else
            {
                head[read..next].CopyTo(head[write..]); // moves left (or stays): Span.CopyTo handles the overlap
                write += next - read;
            }
            firstField = false;
            read = next;
        }
        return write;
    }

    /// <summary>Go's parseContentLength: ASCII digits only (no sign, no inner space), at most 2^63-1.</summary>
    private static long ParseContentLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) throw new HttpRequestException("invalid empty Content-Length \"\"");
        long n = 0;
        foreach (var b in value)
        {
            if (!IsDigit(b) || n > (long.MaxValue - 9) / 10)
                throw new HttpRequestException($"bad Content-Length \"{Encoding.Latin1.GetString(value[..Math.Min(value.Length, 64)])}\"");
            n = n * 10 + (b - '0');
        }
        return n;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    // RFC 9110 section 5.6.2 tchar: what a field name may be made of.
    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static bool ContainsToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (value[range].Trim((byte)' ').EqualsIgnoreCase(token)) return true;
        }
        return false;
    }

    public ReadOnlySpan<byte> HeaderName(int index)
    {
        var r = _headers[index];
        return _head.AsSpan(r.NameStart, r.NameLength);
    }

    public ReadOnlySpan<byte> HeaderValue(int index)
    {
        var r = _headers[index];
        return _head.AsSpan(r.ValueStart, r.ValueLength);
    }

    /// <summary>The header's name and value as strings, reused from the previous response when the bytes repeat.</summary>
    public (string Name, string Value) HeaderStrings(int index) => _cache.Get(index, HeaderName(index), HeaderValue(index));

    public string? GetHeader(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < _headerCount; i++)
        {
            if (HeaderName(i).EqualsIgnoreCase(name)) return HeaderStrings(i).Value;
        }
        return null;
    }

    /// <summary>Reads body bytes with the transfer framing removed; 0 means the body ended.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken ct)
    {
        if (BodyComplete || destination.IsEmpty) return 0;
        switch (_framing)
        {
            case BodyFraming.ContentLength:
            {
                if (_start == _end && await FillAsync(ct).ConfigureAwait(false) == 0) throw new IOException("unexpected EOF");
                var n = (int)Math.Min(Math.Min(_end - _start, _remaining), destination.Length);
                Take(destination.Span, n);
                _remaining -= n;
                if (_remaining == 0) BodyComplete = true;
                return n;
            }
            case BodyFraming.UntilClose:
            {
                if (_start == _end && await FillAsync(ct).ConfigureAwait(false) == 0)
                {
                    BodyComplete = true;
                    return 0;
                }
                var n = Math.Min(_end - _start, destination.Length);
                Take(destination.Span, n);
                return n;
            }
            case BodyFraming.Chunked:
                return await ReadChunkedAsync(destination, ct).ConfigureAwait(false);
            default:
                BodyComplete = true;
                return 0;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadChunkedAsync(Memory<byte> destination, CancellationToken ct)
    {
        while (true)
        {
            if (_remaining > 0)
            {
                if (_start == _end && await FillAsync(ct).ConfigureAwait(false) == 0) throw new IOException("unexpected EOF");
                var n = (int)Math.Min(Math.Min(_end - _start, _remaining), destination.Length);
                Take(destination.Span, n);
                _remaining -= n;
                if (_remaining == 0) _chunkNeedsCrlf = true;
                return n;
            }
            if (_chunkNeedsCrlf)
            {
                while (_end - _start < 2)
                {
                    if (await FillAsync(ct).ConfigureAwait(false) == 0) throw new IOException("unexpected EOF");
                }
                if (_buffer[_start] != (byte)'\r' || _buffer[_start + 1] != (byte)'\n') throw new IOException("malformed chunked encoding");
                _start += 2;
                _chunkNeedsCrlf = false;
            }
            var line = await ReadLineAsync(ct).ConfigureAwait(false);
            var size = ParseChunkSize(_buffer.AsSpan(line.Start, line.Length));
            if (size == 0)
            {
                // Trailers are read and ignored, up to the empty line.
                while ((await ReadLineAsync(ct).ConfigureAwait(false)).Length > 0) { }
                BodyComplete = true;
                return 0;
            }
            _remaining = size;
        }
    }

    /// <summary>
    /// Go's chunked reader (internal/chunked.go): trailing spaces and tabs go, then any extension after ';'; what is
    /// left must be 1 to 16 hex digits (no sign, no leading space) and fit in a long.
    /// </summary>
    private static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd(" \t"u8);
        var semicolon = line.IndexOf((byte)';'); // chunk extensions are ignored
        if (semicolon >= 0) line = line[..semicolon];
        if (line.IsEmpty || line.Length > 16) throw new IOException("malformed chunked encoding");
        ulong size = 0;
        foreach (var b in line)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => throw new IOException("malformed chunked encoding: invalid byte in chunk length"),
            };
            size = size << 4 | (uint)digit;
        }
        if (size > long.MaxValue) throw new IOException("malformed chunked encoding: chunk length too large");
        return (long)size;
    }

    /// <summary>
    /// Returns the next chunk-size or trailer line (as a range of the read buffer, without its CRLF) and consumes it.
    /// Unlike a head, these lines must end in CRLF with no other CR: Go refuses a bare LF there (RFC 9112 erratum
    /// 7633), and fails at once instead of waiting for a CRLF that may never come.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(int Start, int Length)> ReadLineAsync(CancellationToken ct)
    {
        int lf;
        while ((lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n')) < 0)
        {
            if (_end - _start > 4096) throw new IOException("malformed chunked encoding: line too long");
            if (await FillAsync(ct).ConfigureAwait(false) == 0) throw new IOException("unexpected EOF");
        }
        var cr = _buffer.AsSpan(_start, lf).IndexOf((byte)'\r');
        if (cr < 0) throw new IOException("malformed chunked encoding: chunked line ends with bare LF");
        if (cr != lf - 1) throw new IOException("malformed chunked encoding: invalid CR in chunked line");
        var start = _start;
        _start += lf + 1;
        return (start, lf - 1);
    }

    private void Take(Span<byte> destination, int count)
    {
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
    }

    /// <summary>Reads more bytes after the unread ones, compacting or growing the buffer; 0 means the peer closed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> FillAsync(CancellationToken ct)
    {
        PrepareFill();
        int read;
        try { read = await (_tls is null ? _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct) : _tls.ReadAsync(_buffer.AsMemory(_end), ct)).ConfigureAwait(false); }
        catch (SocketException se) { throw ReadFailure(se); }
        _end += read;
        return read;
    }

    /// <summary>Makes room after the unread bytes: compacts, or grows the buffer when it is mostly unread.</summary>
    private void PrepareFill()
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            var unread = _end - _start;
            if (_start > 0 && unread < _buffer.Length / 2)
            {
                _buffer.AsSpan(_start, unread).CopyTo(_buffer);
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(_start, unread).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            _start = 0;
            _end = unread;
        }
    }

    /// <summary>
    /// Skips what is left of the body when it is already in memory (a small error body nobody read), so the
    /// connection can still be reused; returns whether the body is now complete.
    /// </summary>
    public bool TryDiscardBufferedBody()
    {
        if (BodyComplete) return true;
        if (_framing == BodyFraming.ContentLength && _remaining <= _end - _start)
        {
            _start += (int)_remaining;
            _remaining = 0;
            BodyComplete = true;
        }
        return BodyComplete;
    }

    /// <summary>Called when a response is finished with: pooled when reusable, closed otherwise.</summary>
    public void Release()
    {
        if (CanReuse && _start == _end)
        {
            IsReused = true;
            _pool.Return(this);
        }
        else
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _tls?.Dispose();
        _socket.Dispose();
        // Safe: every socket operation is awaited by the one caller using this connection, so none is in flight here;
        // except a head read left pending by a 100 Continue wait that failed: its buffer is left to the collector.
        if (_pendingReceive is null) ArrayPool<byte>.Shared.Return(_buffer);
        else _ = _pendingReceive.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        ArrayPool<byte>.Shared.Return(_head);
        _buffer = [];
        _head = [];
        _start = _end = 0;
    }

    private enum BodyFraming : byte
    {
        None,
        ContentLength,
        Chunked,
        UntilClose,
    }

    private readonly record struct HeaderRange(int NameStart, int NameLength, int ValueStart, int ValueLength);
}
