using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// A backend's answer, whichever transport produced it: <see cref="Http1.Http1Response"/> (the own HTTP/1.1
/// client, headers parsed in place) or <see cref="MessageResponse"/> (an HttpResponseMessage). Readers see one
/// shape: a gzip body comes decoded, without its Content-Encoding and Content-Length, as .NET's handler gives it.
/// Disposing it returns a fully read connection to its pool and closes any other.
/// </summary>
internal abstract class BackendResponse : IDisposable
{
    private protected BackendResponse(int statusCode) => StatusCode = statusCode;

    public int StatusCode { get; }

    /// <summary>The body length when known up front (after decoding, unknown for gzip).</summary>
    public abstract long? ContentLength { get; }

    public abstract string? ContentType { get; }

    /// <summary>The Location field as sent (a value the typed header would not parse included); null when absent.</summary>
    public abstract string? Location { get; }

    /// <summary>Reads the (decoded) body; 0 means it ended.</summary>
    public abstract ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct);

    /// <summary>
    /// Copies the end-to-end headers to a client response (no-op pass-through); hop-by-hop ones stay behind, and so
    /// does a Content-Length that does not describe the body passed on (gzip decoded here; chunked framing, whose
    /// Content-Length RFC 9112 section 6.3 says to ignore and a proxy must remove; a 204 or 205). Repeated fields keep their order.
    /// </summary>
    public abstract void CopyHeadersTo(IHeaderDictionary target);

    public abstract void Dispose();

    /// <summary>
    /// How this response's connection was obtained (telemetry/opentelemetry detailed_connection); a response that came
    /// from no connection of ours (a cache, a test's handler) reads as a reused one with nothing measured.
    /// </summary>
    public virtual ConnectionTimings Connection => new(Reused: true, 0, 0, 0, 0);

    /// <summary>Control characters but HTAB: what a field value may not carry (RFC 9110 section 5.5).</summary>
    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\n\u000b\f\r\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    /// <summary>
    /// A backend's field value with each control character replaced by a space, as RFC 9110 section 5.5 lets a
    /// recipient do (Go's client accepts them and its server only blanks CR and LF; Kestrel refuses them all, which
    /// turned such an answer into a 500). Allocates only for a value that has one.
    /// </summary>
    private protected static string WithoutControls(string value)
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
}
