using System.IO.Compression;
using System.Runtime.CompilerServices;
using Cuttle.Go;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// A backend answer read by the own HTTP/1.1 client: the head stays parsed in place on its connection. Disposing it
/// returns a fully read connection to its pool and closes any other; a gzip body is decoded and its
/// Content-Encoding/Content-Length dropped, like .NET's handler does.
/// </summary>
internal sealed class Http1Response : BackendResponse
{
    private readonly HttpConnection _connection;
    private readonly Stream? _body;
    private bool _disposed;

    public Http1Response(HttpConnection connection) : base(connection.StatusCode)
    {
        _connection = connection;
        if (connection.IsGzip) _body = new GZipStream(new ResponseBodyStream(connection), CompressionMode.Decompress);
    }

    public override long? ContentLength => _connection.IsGzip ? null : _connection.ContentLength;

    public override string? ContentType => _connection.GetHeader("Content-Type"u8);

    public override string? Location => _connection.GetHeader("Location"u8);

    public override ConnectionTimings Connection => _connection.Timings;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        var connection = _connection;
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

    public override void CopyHeadersTo(IHeaderDictionary target)
    {
        var c = _connection;
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
    }

    private const int SmallHeadCount = 32;

    // A 204 never has a body and RFC 9110 section 8.6 forbids it a Content-Length (Kestrel refuses to send one): it
    // stays behind too. Go's client reads a 204 as bodiless whatever it declares, so a KrakenD client sees a bare 204.
    // A 205 must not carry content either (section 15.3.6) and Kestrel sends none: its length goes with it.
    private static bool IsForwarded(HttpConnection c, ReadOnlySpan<byte> name) =>
        !HopByHop.Is(name)
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

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var c = _connection;
        if (_body is not null && !c.BodyComplete) c.Dispose(); // a half-decoded body: never reuse
        else
        {
            c.TryDiscardBufferedBody();
            c.Release();
        }
        _body?.Dispose();
    }
}
