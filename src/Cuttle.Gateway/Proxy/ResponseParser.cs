using Cuttle.Config.Model;
using Cuttle.Gateway.Codecs;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>
/// lura's HTTPResponseParser for one backend (proxy/http_response.go): a successful body → the backend's response.
/// Chosen once by <see cref="For"/> when the backend proxy is built, from the backend's encoding, collection flag and
/// entity formatter; immutable and shared by every request.
/// </summary>
internal abstract class ResponseParser
{
    public static ResponseParser For(BackendConfig backend)
    {
        // lura's NoOpHTTPResponseParser: the body is never decoded.
        if (backend.Encoding == Encodings.NoOp) return NoOp.Instance;
        var formatter = EntityFormatter.Create(backend);
        // A plain JSON backend (no formatter, not a collection) answers with its object still in the parsed document.
        if (formatter is null && !backend.IsCollection && backend.Encoding is Encodings.Json) return JsonObject.Instance;
        return new DecodeAndFormat(BackendDecoder.For(backend.Encoding, backend.IsCollection), formatter);
    }

    /// <summary>The response, or null with <paramref name="error"/> when the body does not decode.</summary>
    public abstract ProxyResponse? Parse(ReadOnlyMemory<byte> body, RequestScope scope, out string? error);

    /// <summary>No data, the raw body kept as Response.Io (read by sequential_propagated_params "respN").</summary>
    private sealed class NoOp : ResponseParser
    {
        public static readonly NoOp Instance = new();

        public override ProxyResponse? Parse(ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
        {
            error = null;
            return new ProxyResponse(DataTree.NewMap(), isComplete: true) { RawBody = body.ToArray() };
        }
    }

    private sealed class JsonObject : ResponseParser
    {
        public static readonly JsonObject Instance = new();

        public override ProxyResponse? Parse(ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
            => BackendDecoder.DecodeJsonResponse(body, scope, out error);
    }

    /// <summary>lura's DefaultHTTPResponseParserFactory: the encoding's decoder, then the entity formatter (if any).</summary>
    private sealed class DecodeAndFormat(BackendDecoder decoder, EntityFormatter? formatter) : ResponseParser
    {
        public override ProxyResponse? Parse(ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
        {
            var decoded = EntityFormatter.DecodeAndFormat(formatter, decoder, body, scope, out error);
            return decoded is null ? null : new ProxyResponse(decoded, isComplete: true);
        }
    }
}
