using System.IO.Compression;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// A backend response from either transport: the lean client's connection (headers parsed in place) or a
/// SocketsHttpHandler HttpResponseMessage. Disposing it returns a fully read lean connection to its pool and
/// closes any other; a gzip body is decoded and its Content-Encoding/Content-Length dropped, like .NET does.
/// </summary>
internal sealed class BackendResponse : IDisposable
{
    private readonly HttpConnection? _connection;
    private readonly HttpResponseMessage? _message;
    private Stream? _body;
    private bool _disposed;

    public BackendResponse(HttpConnection connection)
    {
        _connection = connection;
        StatusCode = connection.StatusCode;
        if (connection.IsGzip) _body = new GZipStream(new ResponseBodyStream(connection), CompressionMode.Decompress);
    }

    public BackendResponse(HttpResponseMessage message)
    {
        _message = message;
        StatusCode = (int)message.StatusCode;
    }

    public int StatusCode { get; }

    /// <summary>Whether the lean client produced it (SocketsHttpHandler answers have their redirects followed already).</summary>
    public bool IsLean => _connection is not null;

    /// <summary>The body length when known up front (after decoding, unknown for gzip).</summary>
    public long? ContentLength => _connection is { } c ? (c.IsGzip ? null : c.ContentLength) : _message!.Content.Headers.ContentLength;

    public string? ContentType => _connection is { } c ? c.GetHeader("Content-Type"u8) : _message!.Content.Headers.ContentType?.ToString();

    public string? Location => _connection is { } c ? c.GetHeader("Location"u8) : _message!.Headers.Location?.OriginalString;

    /// <summary>Reads the (decoded) body; 0 means it ended.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        if (_connection is { } connection)
        {
            if (_body is null) return await connection.ReadBodyAsync(destination, ct).ConfigureAwait(false);
            var n = await _body.ReadAsync(destination, ct).ConfigureAwait(false);
            if (n == 0 && !connection.BodyComplete)
            {
                // The gzip member ended; consume what framing is left (the chunked terminator) so the connection is reusable.
                var scratch = new byte[256];
                while (await connection.ReadBodyAsync(scratch, ct).ConfigureAwait(false) > 0) { }
            }
            return n;
        }
        _body ??= await _message!.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await _body.ReadAsync(destination, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the end-to-end headers to a client response (no-op pass-through); hop-by-hop ones stay behind, and so
    /// does a Content-Length that does not describe the body passed on (gzip decoded here; chunked framing, whose
    /// Content-Length RFC 9112 section 6.3 says to ignore and a proxy must remove; a 204 or 205). Repeated fields keep their order.
    /// </summary>
    public void CopyHeadersTo(IHeaderDictionary target)
    {
        if (_connection is { } c)
        {
            if (c.HeaderCount > SmallHeadCount)
            {
                CopyGrouped(c, target);
                return;
            }
            // The usual head: a handful of fields, grouped by looking back (at most SmallHeadCount^2/2 compares), no allocation.
            for (var i = 0; i < c.HeaderCount; i++)
            {
                var name = c.HeaderName(i);
                if (!IsForwarded(c, name)) continue;
                var (nameString, value) = c.HeaderStrings(i);
                value = WithoutControls(value);
                var seen = SeenBefore(c, i, name);
                // Repeated identical Content-Length fields were accepted as one (Go deduplicates them); send one.
                if (seen && name.EqualsIgnoreCase("Content-Length"u8)) continue;
                target[nameString] = seen ? StringValues.Concat(target[nameString], value) : new StringValues(value);
            }
            return;
        }
        Copy(_message!.Headers, target);
        Copy(_message.Content.Headers, target);
        // Same rule on the SocketsHttpHandler path: a chunked body's Content-Length describes nothing passed on.
        if (_message.Headers.TransferEncodingChunked == true || StatusCode is 204 or 205) target.Remove("Content-Length");
    }

    private const int SmallHeadCount = 32;

    /// <summary>Control characters but HTAB: what a field value may not carry (RFC 9110 section 5.5).</summary>
    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\n\u000b\f\r\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    /// <summary>
    /// A backend's field value with each control character replaced by a space, as RFC 9110 section 5.5 lets a
    /// recipient do (Go's client accepts them and its server only blanks CR and LF; Kestrel refuses them all, which
    /// turned such an answer into a 500). Allocates only for a value that has one.
    /// </summary>
    private static string WithoutControls(string value)
    {
        var at = value.AsSpan().IndexOfAny(Controls);
        if (at < 0) return value;
        return string.Create(value.Length, (value, at), static (span, state) =>
        {
            state.value.AsSpan().CopyTo(span);
            for (var i = state.at; i < span.Length; i++)
            {
                if (Controls.Contains(span[i])) span[i] = ' ';
            }
        });
    }

    // A 204 never has a body and RFC 9110 section 8.6 forbids it a Content-Length (Kestrel refuses to send one): it
    // stays behind too. Go's client reads a 204 as bodiless whatever it declares, so a KrakenD client sees a bare 204.
    // A 205 must not carry content either (section 15.3.6) and Kestrel sends none: its length goes with it.
    private static bool IsForwarded(HttpConnection c, ReadOnlySpan<byte> name) =>
        !IsHopByHop(name)
        && !((c.IsGzip || c.IsChunked || c.StatusCode is 204 or 205) && name.EqualsIgnoreCase("Content-Length"u8))
        && !(c.IsGzip && name.EqualsIgnoreCase("Content-Encoding"u8));

    /// <summary>
    /// A large head (a backend may send thousands of fields) in one pass: values grouped per name in first-seen
    /// order, each name's values set once. Looking back per field and re-concatenating was quadratic in the count.
    /// </summary>
    private static void CopyGrouped(HttpConnection c, IHeaderDictionary target)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var order = new List<List<string>>();
        var names = new List<string>();
        for (var i = 0; i < c.HeaderCount; i++)
        {
            var name = c.HeaderName(i);
            if (!IsForwarded(c, name)) continue;
            var (nameString, value) = c.HeaderStrings(i);
            value = WithoutControls(value);
            if (!groups.TryGetValue(nameString, out var values))
            {
                groups.Add(nameString, values = new List<string>(1));
                order.Add(values);
                names.Add(nameString);
            }
            else if (name.EqualsIgnoreCase("Content-Length"u8)) continue; // identical repeats count once
            values.Add(value);
        }
        for (var g = 0; g < order.Count; g++)
        {
            var values = order[g];
            target[names[g]] = values.Count == 1 ? new StringValues(values[0]) : new StringValues(values.ToArray());
        }
    }

    private static bool SeenBefore(HttpConnection c, int index, ReadOnlySpan<byte> name)
    {
        for (var j = 0; j < index; j++)
        {
            if (c.HeaderName(j).EqualsIgnoreCase(name)) return true;
        }
        return false;
    }

    private static void Copy(System.Net.Http.Headers.HttpHeaders source, IHeaderDictionary target)
    {
        foreach (var header in source.NonValidated)
        {
            if (IsHopByHop(header.Key)) continue;
            var values = new string[header.Value.Count];
            var i = 0;
            foreach (var v in header.Value) values[i++] = WithoutControls(v);
            target[header.Key] = values;
        }
    }

    private static bool IsHopByHop(ReadOnlySpan<byte> name) =>
        name.EqualsIgnoreCase("Connection"u8) || name.EqualsIgnoreCase("Keep-Alive"u8) || name.EqualsIgnoreCase("Transfer-Encoding"u8)
        || name.EqualsIgnoreCase("Te"u8) || name.EqualsIgnoreCase("Trailer"u8) || name.EqualsIgnoreCase("Upgrade"u8)
        || name.EqualsIgnoreCase("Proxy-Connection"u8);

    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Te", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_connection is { } c)
        {
            if (_body is not null && !c.BodyComplete) c.Dispose(); // a half-decoded body: never reuse
            else
            {
                c.TryDiscardBufferedBody();
                c.Release();
            }
            _body?.Dispose();
            return;
        }
        _body?.Dispose();
        _message!.Dispose();
    }
}
