using System.Text.Json;

namespace Cuttle.Gateway.Data;

/// <summary>
/// What flows between proxy layers, as lura's proxy.Response: the (mutable, per-request) data map, whether it is
/// complete, and, for no-op backends, the backend's status and headers. Values in <see cref="Data"/> are
/// Dictionary&lt;string, object?&gt;, List&lt;object?&gt;, JsonElement (an untouched backend subtree), string,
/// RawNumber, bool or null.
/// </summary>
internal sealed class ProxyResponse
{
    private Dictionary<string, object?>? _data;
    private readonly JsonElement _object;

    public ProxyResponse(Dictionary<string, object?> data, bool isComplete)
    {
        _data = data;
        IsComplete = isComplete;
    }

    /// <summary>
    /// A response whose data is a backend's JSON object, left in its parsed document: the map is made on the first
    /// read of <see cref="Data"/>, and a merge that copies the properties straight into its combined map never makes
    /// one (two maps per merged request fewer). The document must outlive the response (the request scope owns it).
    /// </summary>
    public ProxyResponse(JsonElement jsonObject, bool isComplete)
    {
        if (jsonObject.ValueKind != JsonValueKind.Object) throw new ArgumentException("a JSON object is required", nameof(jsonObject));
        _object = jsonObject;
        IsComplete = isComplete;
    }

    public Dictionary<string, object?> Data => _data ??= DataTree.AsMap(_object)!;

    /// <summary>The number of top-level keys, without making the map.</summary>
    public int DataCount => _data?.Count ?? _object.GetPropertyCount();

    /// <summary>The JSON object behind a response whose map has not been made (and so cannot have been changed).</summary>
    public bool TryGetUntouchedObject(out JsonElement jsonObject)
    {
        jsonObject = _object;
        return _data is null;
    }
    public bool IsComplete { get; set; }

    /// <summary>Status code from the backend (no-op and error details only); 0 when not relevant.</summary>
    public int StatusCode { get; set; }

    /// <summary>Headers to copy to the client (no-op backends, or metadata set by a layer).</summary>
    public List<KeyValuePair<string, string[]>>? Headers { get; set; }

    /// <summary>The undecoded body of a no-op backend (lura's Response.Io), or one a Lua script set.</summary>
    public byte[]? RawBody { get; set; }

    public static ProxyResponse Empty(bool complete) => new(new Dictionary<string, object?>(StringComparer.Ordinal), complete);
}
