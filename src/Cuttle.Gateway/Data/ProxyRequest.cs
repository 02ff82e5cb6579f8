using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Data;

/// <summary>
/// The request as lura's proxy layers see it: endpoint params, the already-filtered headers and query, and the
/// body. Built once per client request by the endpoint handler; backends derive their own outgoing message from it.
/// </summary>
internal sealed class ProxyRequest
{
    public required string Method { get; init; }

    /// <summary>Values of the endpoint's {param} placeholders, in the endpoint's order.</summary>
    public required string[] Params { get; init; }

    /// <summary>Headers to send (already filtered by input_headers, plus X-Forwarded-*, User-Agent).</summary>
    public required List<KeyValuePair<string, StringValues>> Headers { get; init; }

    /// <summary>Query parameters to send, sorted by key (Go's url.Values.Encode order).</summary>
    public required List<KeyValuePair<string, StringValues>> Query { get; init; }

    /// <summary>The client's body stream, or null when the request has none.</summary>
    public Stream? Body { get; set; }

    /// <summary>The body read into memory when more than one backend must receive it.</summary>
    public byte[]? BufferedBody { get; set; }

    /// <summary>Whether Content-Length was among the forwarded headers (then it is sent, otherwise the body is chunked).</summary>
    public long? ForwardedContentLength { get; init; }

    /// <summary>Params produced by earlier backends of a sequential pipe: "resp0_field.path" → value.</summary>
    public Dictionary<string, string>? SequentialParams { get; set; }

    /// <summary>A URL (and method) a Lua backend script set; when null the backend builds its own.</summary>
    public string? BackendUrl { get; init; }
    public string? BackendMethod { get; init; }

    public required RequestScope Scope { get; init; }

    /// <summary>Headers already final (a GraphQL or martian rewrite applied input_headers before adding its own): sent unfiltered.</summary>
    public bool HeadersFiltered { get; init; }

    /// <summary>The trace context when the request has no server span (telemetry/opentelemetry); null otherwise.</summary>
    public RequestTrace? Trace { get; init; }

    /// <summary>
    /// Reads a streamed body into <see cref="BufferedBody"/> (once; later calls return it), for every layer that must
    /// see the bytes or send them more than once: several backends, json-schema, Lua. Null when there is no body.
    /// </summary>
    public async ValueTask<byte[]?> BufferBodyAsync(CancellationToken cancellationToken)
    {
        if (BufferedBody is null && Body is not null)
        {
            using var ms = new MemoryStream();
            await Body.CopyToAsync(ms, cancellationToken).ConfigureAwait(false);
            BufferedBody = ms.ToArray();
            Body = null;
        }
        return BufferedBody;
    }
}
