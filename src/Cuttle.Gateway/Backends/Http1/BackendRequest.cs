using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.Http1;

/// <summary>
/// One outgoing HTTP/1.1 request for the lean client. It points into data the caller already has (the built URL,
/// the filtered header list, the client's body) so sending allocates no request object graph.
/// </summary>
internal readonly struct BackendRequest
{
    public required string Method { get; init; }

    /// <summary>The absolute URL; only used for its path and query, starting at <see cref="PathStart"/>.</summary>
    public required string Url { get; init; }

    public required int PathStart { get; init; }

    /// <summary>The Host header value (Go sends the URL's host, with the port when the URL names one).</summary>
    public required string Authority { get; init; }

    public List<KeyValuePair<string, StringValues>>? Headers { get; init; }

    /// <summary>When set, only these header names (case-insensitive) are sent.</summary>
    public HashSet<string>? HeaderFilter { get; init; }

    public string? Referer { get; init; }

    /// <summary>If-None-Match of a cache revalidation (qos/http-cache); null otherwise.</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>If-Modified-Since of a cache revalidation (qos/http-cache); null otherwise.</summary>
    public string? IfModifiedSince { get; init; }

    /// <summary>W3C trace context written for telemetry/opentelemetry; replaces any traceparent/tracestate forwarded from the client.</summary>
    public TraceHeaders? Trace { get; init; }

    public BackendBodyKind BodyKind { get; init; }

    public byte[]? BodyBytes { get; init; }

    public Stream? BodyStream { get; init; }

    /// <summary>Content-Length to send; null streams the body chunked (KrakenD: chunked unless it was forwarded).</summary>
    public long? ContentLength { get; init; }

    /// <summary>Whether the request can be sent again as is (no streamed body that was already consumed).</summary>
    public bool IsReplayable => BodyKind != BackendBodyKind.Stream;
}
