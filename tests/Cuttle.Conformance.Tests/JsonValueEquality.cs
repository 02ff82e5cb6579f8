using System.Text.Json;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// Deep equality of two JSON values as Go sees them after <c>json.Unmarshal</c> into <c>interface{}</c>: objects are
/// maps (order ignored, a repeated key keeps its last value), arrays ordered, numbers compared as float64.
/// </summary>
internal static class JsonValueEquality
{
    public static bool AreEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var left = ToMap(a);
                var right = ToMap(b);
                if (left.Count != right.Count)
                {
                    return false;
                }

                foreach (var (key, value) in left)
                {
                    if (!right.TryGetValue(key, out var other) || !AreEqual(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }

                using (var ea = a.EnumerateArray().GetEnumerator())
                using (var eb = b.EnumerateArray().GetEnumerator())
                {
                    while (ea.MoveNext() && eb.MoveNext())
                    {
                        if (!AreEqual(ea.Current, eb.Current))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case JsonValueKind.Number:
                return a.GetDouble() == b.GetDouble();
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            default:
                return true; // true, false, null: the kinds already matched
        }
    }

    private static Dictionary<string, JsonElement> ToMap(JsonElement e)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            map[p.Name] = p.Value;
        }

        return map;
    }
}
