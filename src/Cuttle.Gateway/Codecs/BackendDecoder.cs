using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Codecs;

/// <summary>
/// Turns a backend body into the data map, per the backend's <c>encoding</c> (lura encoding + krakend-xml). One
/// immutable decoder per encoding, chosen once per backend by <see cref="For"/> when the generation is built, so the
/// request path calls it without looking at the encoding name. JSON documents stay alive in the request scope, so
/// the data tree can point into them without copying.
/// </summary>
internal abstract class BackendDecoder
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    /// <summary>
    /// The decoder of a backend's encoding. json, an unknown name and no-op (whose body is never decoded) take the
    /// JSON decoder, as lura's decoder register falls back to JSON; <c>is_collection</c> only changes json and xml.
    /// </summary>
    public static BackendDecoder For(string encoding, bool isCollection) => encoding switch
    {
        Encodings.String => StringDecoder.Instance,
        Encodings.Rss => RssBodyDecoder.Instance,
        Encodings.Xml => isCollection ? XmlDecoder.Collection : XmlDecoder.Object,
        Encodings.SafeJson => SafeJsonDecoder.Instance,
        _ => isCollection ? JsonCollectionDecoder.Instance : JsonDecoder.Instance,
    };

    public Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
        => Decode(body, scope, null, out error, out _);

    /// <summary>
    /// Decodes the body; when <paramref name="formatObject"/> is given and the body is a JSON object, the object goes
    /// to it straight from the document (no intermediate map) and <paramref name="formatted"/> says so.
    /// </summary>
    public abstract Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope,
        Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted);

    /// <summary>lura's string decoder: the whole body, as text, under "content".</summary>
    private sealed class StringDecoder : BackendDecoder
    {
        public static readonly StringDecoder Instance = new();

        public override Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope,
            Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
        {
            (error, formatted) = (null, false);
            var map = DataTree.NewMap(1);
            map["content"] = System.Text.Encoding.UTF8.GetString(body.Span);
            return map;
        }
    }

    private sealed class RssBodyDecoder : BackendDecoder
    {
        public static readonly RssBodyDecoder Instance = new();

        public override Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope,
            Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
        {
            (error, formatted) = (null, false);
            try
            {
                using var rss = new MemoryStream(body.ToArray(), writable: false);
                return RssDecoder.Decode(rss);
            }
            catch (System.Xml.XmlException ex)
            {
                error = ex.Message;
                return null;
            }
        }
    }

    /// <summary>krakend-xml: the document's map; with is_collection, that map under "collection".</summary>
    private sealed class XmlDecoder(bool isCollection) : BackendDecoder
    {
        public static readonly XmlDecoder Object = new(isCollection: false);
        public static readonly XmlDecoder Collection = new(isCollection: true);

        public override Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope,
            Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
        {
            (error, formatted) = (null, false);
            try
            {
                using var stream = new MemoryStream(body.ToArray(), writable: false);
                var xml = XmlCodec.Decode(stream);
                if (!isCollection) return xml;
                var wrapped = DataTree.NewMap(1);
                wrapped["collection"] = xml;
                return wrapped;
            }
            catch (System.Xml.XmlException ex)
            {
                error = ex.Message;
                return null;
            }
        }
    }

    /// <summary>lura's JSON decoder: an object root (null is an empty one); any other root is an error.</summary>
    private sealed class JsonDecoder : BackendDecoder
    {
        public static readonly JsonDecoder Instance = new();

        public override Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope,
            Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
        {
            formatted = false;
            return TryParse(body, scope, out var root, out error) ? FromObjectRoot(root, formatObject, out error, out formatted) : null;
        }
    }

    /// <summary>lura's JSON collection decoder: the root must be an array, kept under "collection".</summary>
    private sealed class JsonCollectionDecoder : BackendDecoder
    {
        public static readonly JsonCollectionDecoder Instance = new();

        public override Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope,
            Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
        {
            formatted = false;
            if (!TryParse(body, scope, out var root, out error)) return null;
            if (root.ValueKind != JsonValueKind.Array)
            {
                error = "json: cannot unmarshal " + GoKind(root) + " into Go value of type []interface {}";
                return null;
            }
            var wrapped = DataTree.NewMap(1);
            wrapped["collection"] = root;
            return wrapped;
        }
    }

    /// <summary>lura's safejson: an object as is, an array under "collection", anything else under "content".</summary>
    private sealed class SafeJsonDecoder : BackendDecoder
    {
        public static readonly SafeJsonDecoder Instance = new();

        public override Dictionary<string, object?>? Decode(ReadOnlyMemory<byte> body, RequestScope scope,
            Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
        {
            formatted = false;
            if (!TryParse(body, scope, out var root, out error)) return null;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object when formatObject is not null:
                    formatted = true;
                    return formatObject(root);
                case JsonValueKind.Object:
                    return DataTree.AsMap(root);
                case JsonValueKind.Array:
                    var c = DataTree.NewMap(1);
                    c["collection"] = root;
                    return c;
                default:
                    var content = DataTree.NewMap(1);
                    content["content"] = root;
                    return content;
            }
        }
    }

    /// <summary>
    /// A plain <c>json</c> body (no collection, no formatter) as a response: an object root stays in its document
    /// (see <see cref="ProxyResponse(JsonElement, bool)"/>); any other root decodes as the json decoder does.
    /// </summary>
    public static ProxyResponse? DecodeJsonResponse(ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
    {
        if (!TryParse(body, scope, out var root, out error)) return null;
        if (root.ValueKind == JsonValueKind.Object) return new ProxyResponse(root, isComplete: true);
        var map = FromObjectRoot(root, null, out error, out _);
        return map is null ? null : new ProxyResponse(map, isComplete: true);
    }

    private static bool TryParse(ReadOnlyMemory<byte> body, RequestScope scope, out JsonElement root, out string? error)
    {
        error = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, Options);
        }
        catch (JsonException ex)
        {
            // lura decodes with json.NewDecoder(body).Decode: one value, and whatever follows it is never read. Only
            // on this path, so a well-formed body is still parsed in place, without the copy ParseValue makes.
            if (!TryParseFirstValue(body, out doc))
            {
                error = body.IsEmpty ? "EOF" : "invalid JSON from backend: " + ex.Message;
                root = default;
                return false;
            }
        }
        scope.Register(doc);
        root = doc.RootElement;
        return true;
    }

    /// <summary>The body's first JSON value when it is complete, ignoring what follows it (Go's Decoder.Decode).</summary>
    private static bool TryParseFirstValue(ReadOnlyMemory<byte> body, out JsonDocument doc)
    {
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = Options.MaxDepth });
        try
        {
            return JsonDocument.TryParseValue(ref reader, out doc!);
        }
        catch (JsonException)
        {
            doc = null!;
            return false;
        }
    }

    /// <summary>The json decoder's answer for a parsed root (lura decodes into a map[string]interface{}).</summary>
    private static Dictionary<string, object?>? FromObjectRoot(JsonElement root,
        Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
    {
        error = null;
        formatted = false;
        switch (root.ValueKind)
        {
            case JsonValueKind.Object when formatObject is not null:
                formatted = true;
                return formatObject(root);
            case JsonValueKind.Object:
                return DataTree.AsMap(root);
            case JsonValueKind.Null:
                return DataTree.NewMap();
            default:
                error = "json: cannot unmarshal " + GoKind(root) + " into Go value of type map[string]interface {}";
                return null;
        }
    }

    private static string GoKind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Object => "object",
        _ => "value",
    };
}
