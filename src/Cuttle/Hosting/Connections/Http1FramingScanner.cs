using System.Buffers;
using System.Runtime.InteropServices;

namespace Cuttle.Hosting.Connections;

/// <summary>
/// Follows the HTTP/1.1 request framing of one connection's bytes, as Kestrel will parse them, to find every request
/// head's Content-Length values, and spoils a value that starts with a sign ('+' or '-') so that Kestrel refuses it:
/// Go's net/http answers 400 to anything but 1*DIGIT (RFC 9110 §8.6; strconv.ParseUint takes no sign), Kestrel's
/// parser (Utf8Parser) accepts "+5" and "-0". Every other malformed value Kestrel already refuses.
/// </summary>
/// <remarks>
/// Heads are told from bodies by following the framing Kestrel uses (RFC 9112 §6): Transfer-Encoding (chunked
/// last) wins over Content-Length, a body is Content-Length bytes or chunks up to the last chunk and its trailers,
/// no body otherwise. A request that asks for an upgrade is followed by more requests, not by another protocol: the
/// gateway upgrades no connection, and Kestrel then goes on parsing requests. Where the bytes stop making sense as
/// HTTP/1.1 (a malformed head or chunk, two Content-Length headers, a final coding other than chunked) Kestrel
/// answers 400 and closes the connection, so the
/// scanner stops there too. Bytes are examined once, as they arrive; body bytes are skipped, not examined.
/// </remarks>
internal sealed class Http1FramingScanner
{
    private enum State { HeadLineStart, RequestLine, HeaderName, HeaderValue, SkipLine, Body, ChunkSize, ChunkExtension, ChunkData, ChunkDataEnd, TrailerLineStart, TrailerLine, Stopped }

    private enum Header { None, ContentLength, TransferEncoding, Other }

    private static ReadOnlySpan<byte> ContentLength => "content-length"u8;
    private static ReadOnlySpan<byte> TransferEncoding => "transfer-encoding"u8;

    // Past this, Kestrel has refused the head (MaxRequestHeadersTotalSize) long before; the scanner stops following.
    private const int MaxValue = 1024 * 1024;

    private State _state = State.HeadLineStart;
    private bool _sawRequestLine;
    private int _nameLength;
    private bool _maybeContentLength, _maybeTransferEncoding;
    private Header _header;
    private bool _valueStarted;
    private byte[]? _value;
    private int _valueLength;
    private int _contentLengths;
    private long _contentLength;
    private bool _transferEncoding, _chunked;
    private long _remaining;
    private bool _chunkSizeDigits;

    /// <summary>Number of Content-Length values spoiled so far.</summary>
    public int Rejected { get; private set; }

    /// <summary>True once the scanner has stopped following the connection (at bytes Kestrel will refuse).</summary>
    public bool Stopped => _state == State.Stopped;

    /// <summary>Examines bytes that follow everything examined before; may overwrite a sign byte in place.</summary>
    public void Scan(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            if (_state == State.Stopped) return;
            // Pipe memory is the connection's own, writable, and not yet seen by Kestrel's parser past this point.
            Scan(MemoryMarshal.AsMemory(segment).Span);
        }
    }

    public void Scan(Span<byte> span)
    {
        var i = 0;
        while (i < span.Length)
        {
            switch (_state)
            {
                case State.Stopped:
                    return;
                case State.Body:
                case State.ChunkData:
                {
                    var n = (int)Math.Min(_remaining, span.Length - i);
                    i += n;
                    _remaining -= n;
                    if (_remaining == 0) _state = _state == State.Body ? State.HeadLineStart : State.ChunkDataEnd;
                    if (_state == State.HeadLineStart) StartHead();
                    continue;
                }
            }
            Step(ref span[i]);
            i++;
        }
    }

    private void StartHead()
    {
        _sawRequestLine = false;
        _contentLengths = 0;
        _contentLength = 0;
        _transferEncoding = false;
        _chunked = false;
    }

    private void Step(ref byte b)
    {
        switch (_state)
        {
            case State.HeadLineStart:
                if (b == '\n') { EndOfLine(); return; }
                if (b == '\r') return; // the CR of an empty line
                if (!_sawRequestLine) { _sawRequestLine = true; _state = State.RequestLine; return; }
                if (b is (byte)' ' or (byte)'\t') { Stop(); return; } // obsolete line folding: Kestrel refuses it
                _nameLength = 0;
                _maybeContentLength = _maybeTransferEncoding = true;
                _state = State.HeaderName;
                Name(b);
                return;
            case State.RequestLine:
            case State.SkipLine:
                if (b == '\n') _state = State.HeadLineStart;
                return;
            case State.HeaderName:
                if (b == ':') { StartValue(); return; }
                if (b == '\n') { Stop(); return; } // a header line without a colon: Kestrel refuses it
                Name(b);
                return;
            case State.HeaderValue:
                Value(ref b);
                return;
            case State.ChunkSize:
                ChunkSize(b);
                return;
            case State.ChunkExtension:
                if (b == '\n') EndOfChunkLine();
                return;
            case State.ChunkDataEnd:
                // CRLF after the chunk's data (Kestrel requires exactly that).
                if (b == '\r') return;
                if (b == '\n') { _state = State.ChunkSize; _remaining = 0; _chunkSizeDigits = false; return; }
                Stop();
                return;
            case State.TrailerLineStart:
                if (b == '\r') return;
                if (b == '\n') { _state = State.HeadLineStart; StartHead(); return; } // end of the chunked body
                _state = State.TrailerLine;
                return;
            case State.TrailerLine:
                if (b == '\n') _state = State.TrailerLineStart;
                return;
        }
    }

    private void Name(byte b)
    {
        var lower = (byte)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        var i = _nameLength++;
        _maybeContentLength &= i < ContentLength.Length && ContentLength[i] == lower;
        _maybeTransferEncoding &= i < TransferEncoding.Length && TransferEncoding[i] == lower;
    }

    private void StartValue()
    {
        _header =
            _maybeContentLength && _nameLength == ContentLength.Length ? Header.ContentLength :
            _maybeTransferEncoding && _nameLength == TransferEncoding.Length ? Header.TransferEncoding :
            Header.Other;
        if (_header == Header.Other) { _state = State.SkipLine; return; }
        _valueStarted = false;
        _valueLength = 0;
        _state = State.HeaderValue;
    }

    private void Value(ref byte b)
    {
        if (b == '\n') { EndOfHeader(); return; }
        if (!_valueStarted)
        {
            if (b is (byte)' ' or (byte)'\t') return; // leading whitespace is not part of the value
            _valueStarted = true;
            if (_header == Header.ContentLength && b is (byte)'+' or (byte)'-')
            {
                // Go refuses a signed Content-Length with 400; Kestrel would take "+5" as 5. Spoil the sign so that
                // Kestrel refuses the value itself, answers 400 and closes the connection, in order with the
                // responses to the requests before it, and the request never reaches the application.
                b = (byte)'x';
                Rejected++;
                Stop();
                return;
            }
        }
        _value ??= new byte[64];
        if (_valueLength == _value.Length)
        {
            if (_valueLength == MaxValue) { Stop(); return; }
            Array.Resize(ref _value, Math.Min(MaxValue, _valueLength * 2));
        }
        _value[_valueLength++] = b;
    }

    private void EndOfHeader()
    {
        var value = _value.AsSpan(0, _valueLength).TrimEnd("\r \t"u8);
        _state = State.HeadLineStart;
        switch (_header)
        {
            case Header.ContentLength:
                // Kestrel refuses a second Content-Length, and any value that is not digits: it closes the connection.
                if (++_contentLengths > 1 || value.IsEmpty || !System.Buffers.Text.Utf8Parser.TryParse(value, out long n, out var used) || used != value.Length)
                {
                    Stop();
                    return;
                }
                _contentLength = n;
                return;
            case Header.TransferEncoding:
            {
                // The final coding of the last line decides (Kestrel joins the lines: HttpHeaders.GetFinalTransferCoding).
                var comma = value.LastIndexOf((byte)',');
                var last = comma < 0 ? value : value[(comma + 1)..];
                _transferEncoding = true;
                _chunked = System.Text.Ascii.EqualsIgnoreCase(last.Trim(" \t"u8), "chunked"u8);
                return;
            }
        }
    }

    private void EndOfLine()
    {
        // An empty line: the end of a head (or, before the request line, a blank line Kestrel skips or refuses).
        if (!_sawRequestLine) return;
        if (_transferEncoding && !_chunked) { Stop(); return; } // Kestrel: 400, the final coding must be chunked
        if (_chunked)
        {
            _state = State.ChunkSize;
            _remaining = 0;
            _chunkSizeDigits = false;
            return;
        }
        if (_contentLength > 0)
        {
            _remaining = _contentLength;
            _state = State.Body;
            return;
        }
        StartHead();
    }

    private void ChunkSize(byte b)
    {
        var digit = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        if (digit >= 0)
        {
            _remaining = _remaining * 16 + digit;
            _chunkSizeDigits = true;
            if (_remaining > int.MaxValue) Stop(); // Kestrel refuses chunks this large
            return;
        }
        if (!_chunkSizeDigits) { Stop(); return; }
        if (b == ';' || b == ' ' || b == '\t' || b == '\r') { _state = State.ChunkExtension; return; }
        if (b == '\n') { EndOfChunkLine(); return; }
        Stop();
    }

    private void EndOfChunkLine()
    {
        if (_remaining == 0) { _state = State.TrailerLineStart; return; } // the last chunk: trailers follow
        _state = State.ChunkData;
    }

    private void Stop() => _state = State.Stopped;
}
