using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Codecs;

/// <summary>
/// Turns a backend body into the data map, per the backend's <c>encoding</c> (lura encoding + krakend-xml).
/// JSON documents stay alive in the request scope, so the data tree can point into them without copying.
/// </summary>
internal static class BackendDecoder
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    public static Dictionary<string, object?>? Decode(string encoding, bool isCollection, ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
        => Decode(encoding, isCollection, body, scope, null, out error, out _);

    /// <summary>
    /// Decodes the body; when <paramref name="formatObject"/> is given and the body is a JSON object, the object goes
    /// to it straight from the document (no intermediate map) and <paramref name="formatted"/> says so.
    /// </summary>
    public static Dictionary<string, object?>? Decode(string encoding, bool isCollection, ReadOnlyMemory<byte> body, RequestScope scope,
        Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
    {
        formatted = false;
        error = null;
        try
        {
            switch (encoding)
            {
                case Encodings.String:
                    var map = DataTree.NewMap(1);
                    map["content"] = System.Text.Encoding.UTF8.GetString(body.Span);
                    return map;
                case Encodings.Rss:
                    using (var rss = new MemoryStream(body.ToArray(), writable: false))
                        return RssDecoder.Decode(rss);
                case Encodings.Xml:
                    using (var stream = new MemoryStream(body.ToArray(), writable: false))
                    {
                        var xml = XmlCodec.Decode(stream);
                        if (!isCollection) return xml;
                        var wrapped = DataTree.NewMap(1);
                        wrapped["collection"] = xml;
                        return wrapped;
                    }
                case Encodings.SafeJson:
                    return DecodeJson(body, scope, safe: true, isCollection, formatObject, out error, out formatted);
                default:
                    return DecodeJson(body, scope, safe: false, isCollection, formatObject, out error, out formatted);
            }
        }
        catch (System.Xml.XmlException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// A plain <c>json</c> body (no collection, no formatter) as a response: an object root stays in its document
    /// (see <see cref="ProxyResponse(JsonElement, bool)"/>); any other root decodes as <see cref="Decode"/> does.
    /// </summary>
    public static ProxyResponse? DecodeJsonResponse(ReadOnlyMemory<byte> body, RequestScope scope, out string? error)
    {
        if (!TryParse(body, scope, out var root, out error)) return null;
        if (root.ValueKind == JsonValueKind.Object) return new ProxyResponse(root, isComplete: true);
        var map = FromRoot(root, safe: false, isCollection: false, null, out error, out _);
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

    private static Dictionary<string, object?>? DecodeJson(ReadOnlyMemory<byte> body, RequestScope scope, bool safe, bool isCollection,
        Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
    {
        formatted = false;
        if (!TryParse(body, scope, out var root, out error)) return null;
        return FromRoot(root, safe, isCollection, formatObject, out error, out formatted);
    }

    private static Dictionary<string, object?>? FromRoot(JsonElement root, bool safe, bool isCollection,
        Func<JsonElement, Dictionary<string, object?>>? formatObject, out string? error, out bool formatted)
    {
        error = null;
        formatted = false;
        if (isCollection && !safe)
        {
            if (root.ValueKind != JsonValueKind.Array)
            {
                error = "json: cannot unmarshal " + GoKind(root) + " into Go value of type []interface {}";
                return null;
            }
            var wrapped = DataTree.NewMap(1);
            wrapped["collection"] = root;
            return wrapped;
        }
        switch (root.ValueKind)
        {
            case JsonValueKind.Object when formatObject is not null:
                formatted = true;
                return formatObject(root);
            case JsonValueKind.Object:
                return DataTree.AsMap(root);
            case JsonValueKind.Array when safe:
                var c = DataTree.NewMap(1);
                c["collection"] = root;
                return c;
            case JsonValueKind.Null when !safe:
                return DataTree.NewMap();
            default:
                if (safe)
                {
                    var content = DataTree.NewMap(1);
                    content["content"] = root;
                    return content;
                }
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
