using System.Net;

namespace Cuttle.Gateway.Data;

/// <summary>
/// What flows between proxy layers, as lura's proxy.Response: the (mutable, per-request) data map, whether it is
/// complete, and, for no-op backends, the backend's status and headers. Values in <see cref="Data"/> are
/// Dictionary&lt;string, object?&gt;, List&lt;object?&gt;, JsonElement (an untouched backend subtree), string,
/// RawNumber, bool or null.
/// </summary>
public sealed class ProxyResponse
{
    public ProxyResponse(Dictionary<string, object?> data, bool isComplete)
    {
        Data = data;
        IsComplete = isComplete;
    }

    public Dictionary<string, object?> Data { get; }
    public bool IsComplete { get; set; }

    /// <summary>Status code from the backend (no-op and error details only); 0 when not relevant.</summary>
    public int StatusCode { get; set; }

    /// <summary>Headers to copy to the client (no-op backends, or metadata set by a layer).</summary>
    public List<KeyValuePair<string, string[]>>? Headers { get; set; }

    /// <summary>The undecoded body of a no-op backend (lura's Response.Io), or one a Lua script set.</summary>
    public byte[]? RawBody { get; set; }

    public static ProxyResponse Empty(bool complete) => new(new Dictionary<string, object?>(StringComparer.Ordinal), complete);
}
