using System.Text.Json;

namespace Cuttle.Gateway.Data;

/// <summary>
/// Helpers over the per-request data tree. Backend subtrees stay as JsonElement until an operation needs to change
/// them; only then is one level copied into a Dictionary (children stay JsonElement), so untouched data costs nothing.
/// </summary>
internal static class DataTree
{
    public static Dictionary<string, object?> NewMap(int capacity = 0) => new(capacity, StringComparer.Ordinal);

    /// <summary>The value as a mutable map (copying one level of a JsonElement object), or null if not an object.</summary>
    public static Dictionary<string, object?>? AsMap(object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> map: return map;
            case JsonElement { ValueKind: JsonValueKind.Object } element:
                var copy = NewMap(element.GetPropertyCount());
                CopyProperties(element, copy);
                return copy;
            default: return null;
        }
    }

    /// <summary>
    /// Sets one entry per property of a JSON object (values stay JsonElement), in document order, so a later duplicate
    /// key wins as in Go's decoder, and a key already in the map is overwritten.
    /// </summary>
    public static void CopyProperties(JsonElement jsonObject, Dictionary<string, object?> target)
    {
        foreach (var p in jsonObject.EnumerateObject()) target[PropertyNames.Of(p)] = p.Value;
    }

    /// <summary>The value as a mutable list (copying one level of a JsonElement array), or null if not an array.</summary>
    public static List<object?>? AsList(object? value)
    {
        switch (value)
        {
            case List<object?> list: return list;
            case JsonElement { ValueKind: JsonValueKind.Array } element:
                var copy = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray()) copy.Add(item);
                return copy;
            default: return null;
        }
    }

    /// <summary>Converts a JsonElement scalar into the plain value KrakenD would hold (string, RawNumber, bool, null).</summary>
    public static object? Unwrap(object? value)
    {
        if (value is not JsonElement e) return value;
        return e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => new RawNumber(e.GetRawText()),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value,
        };
    }

    /// <summary>Deep-copies a JsonElement tree into mutable maps/lists (used by flatmap, which edits in depth).</summary>
    public static object? DeepMutable(object? value)
    {
        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                var map = NewMap(e.GetPropertyCount());
                foreach (var p in e.EnumerateObject()) map[PropertyNames.Of(p)] = DeepMutable(p.Value);
                return map;
            case JsonElement { ValueKind: JsonValueKind.Array } e:
                var list = new List<object?>(e.GetArrayLength());
                foreach (var item in e.EnumerateArray()) list.Add(DeepMutable(item));
                return list;
            case JsonElement e:
                return Unwrap(e);
            case Dictionary<string, object?> m:
                var mc = NewMap(m.Count);
                foreach (var kv in m) mc[kv.Key] = DeepMutable(kv.Value);
                return mc;
            case List<object?> l:
                var lc = new List<object?>(l.Count);
                foreach (var item in l) lc.Add(DeepMutable(item));
                return lc;
            default:
                return value;
        }
    }
}
