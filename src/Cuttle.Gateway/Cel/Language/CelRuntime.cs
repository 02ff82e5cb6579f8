using System.Globalization;
using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// CEL value semantics over the gateway's own data shapes, without reflection. Values are long (int), ulong (uint),
/// double, string, bool, null, byte[], DateTimeOffset (timestamp), TimeSpan (duration), lists (IList&lt;object?&gt;,
/// which string[] is too, JSON arrays) and maps (IDictionary&lt;string, object?&gt;, literal maps, JSON objects). Data-tree leaves
/// (JsonElement, RawNumber, int) are normalized when they are read.
/// </summary>
internal static class CelRuntime
{
    public static object? Normalize(object? v) => v switch
    {
        int i => (long)i,
        RawNumber n => ParseNumber(n.Text),
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => e,
        },
        Microsoft.Extensions.Primitives.StringValues sv => sv.ToArray(),
        _ => v,
    };

    private static object ParseNumber(string text)
        => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? l
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static string TypeName(object? v) => v switch
    {
        null => "null_type",
        long => "int",
        ulong => "uint",
        double => "double",
        string => "string",
        bool => "bool",
        byte[] => "bytes",
        DateTimeOffset => "google.protobuf.Timestamp",
        TimeSpan => "google.protobuf.Duration",
        CelError => "error",
        _ when IsList(v) => "list",
        _ when IsMap(v) => "map",
        _ => "dyn",
    };

    // ---- lists -------------------------------------------------------------------------------------------------

    public static bool IsList(object? v) => v is IList<object?> || v is JsonElement { ValueKind: JsonValueKind.Array };

    public static int ListCount(object v) => v switch
    {
        IList<object?> l => l.Count,
        JsonElement e => e.GetArrayLength(),
        _ => 0,
    };

    public static object? ListGet(object v, int i) => v switch
    {
        IList<object?> l => Normalize(l[i]),
        JsonElement e => Normalize(e[i]),
        _ => null,
    };

    // ---- maps --------------------------------------------------------------------------------------------------

    public static bool IsMap(object? v) => v is IDictionary<string, object?> or CelMap || v is JsonElement { ValueKind: JsonValueKind.Object };

    public static bool MapTryGet(object map, object? key, out object? value)
    {
        switch (map)
        {
            case IDictionary<string, object?> d:
                if (key is string s && d.TryGetValue(s, out var raw)) { value = Normalize(raw); return true; }
                break;
            case CelMap m:
                return m.TryGet(key, out value);
            case JsonElement e:
                if (key is string k && e.TryGetProperty(k, out var p)) { value = Normalize(p); return true; }
                break;
        }
        value = null;
        return false;
    }

    public static int MapCount(object map) => map switch
    {
        IDictionary<string, object?> d => d.Count,
        CelMap m => m.Count,
        JsonElement e => CountProperties(e),
        _ => 0,
    };

    private static int CountProperties(JsonElement e)
    {
        var n = 0;
        foreach (var _ in e.EnumerateObject()) n++;
        return n;
    }

    /// <summary>The keys of a map, for the macros (which range over keys) and for map equality.</summary>
    public static List<object?> MapKeys(object map)
    {
        var keys = new List<object?>();
        switch (map)
        {
            case IDictionary<string, object?> d: foreach (var k in d.Keys) keys.Add(k); break;
            case CelMap m: keys.AddRange(m.Keys); break;
            case JsonElement e: foreach (var p in e.EnumerateObject()) keys.Add(p.Name); break;
        }
        return keys;
    }

    // ---- access ------------------------------------------------------------------------------------------------

    public static object? Select(object? operand, string field, bool testOnly)
    {
        if (operand is CelError) return operand;
        if (!IsMap(operand)) return new CelError($"type '{TypeName(operand)}' does not support field selection");
        var found = MapTryGet(operand!, field, out var value);
        if (testOnly) return found;
        return found ? value : new CelError("no such key: " + field);
    }

    public static object? Index(object? operand, object? index)
    {
        if (operand is CelError) return operand;
        if (index is CelError) return index;
        if (IsList(operand))
        {
            long i;
            switch (index)
            {
                case long l: i = l; break;
                case ulong u when u <= long.MaxValue: i = (long)u; break;
                case double d when d == Math.Floor(d) && !double.IsInfinity(d): i = (long)d; break;
                default: return new CelError($"invalid list index type '{TypeName(index)}'");
            }
            var count = ListCount(operand!);
            if (i < 0 || i >= count) return new CelError($"index out of range: {i}");
            return ListGet(operand!, (int)i);
        }
        if (IsMap(operand))
        {
            if (MapTryGet(operand!, index, out var v)) return v;
            return new CelError("no such key: " + Format(index));
        }
        return new CelError($"type '{TypeName(operand)}' does not support indexing");
    }

    public static object? In(object? element, object? container)
    {
        if (element is CelError) return element;
        if (container is CelError) return container;
        if (IsList(container))
        {
            var n = ListCount(container!);
            for (var i = 0; i < n; i++)
            {
                if (Equal(element, ListGet(container!, i))) return true;
            }
            return false;
        }
        if (IsMap(container)) return MapTryGet(container!, element, out _);
        return CelError.NoOverload($"@in({TypeName(element)}, {TypeName(container)})");
    }

    public static object? Size(object? v) => v switch
    {
        CelError => v,
        string s => (long)CodePoints(s),
        byte[] b => (long)b.Length,
        _ when IsList(v) => (long)ListCount(v!),
        _ when IsMap(v) => (long)MapCount(v!),
        _ => CelError.NoOverload($"size({TypeName(v)})"),
    };

    private static int CodePoints(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            n++;
        }
        return n;
    }

    // ---- equality and ordering ---------------------------------------------------------------------------------

    /// <summary>CEL equality: numbers compare across int/uint/double; lists and maps structurally; else same type.</summary>
    public static bool Equal(object? a, object? b)
    {
        a = Normalize(a);
        b = Normalize(b);
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b)) return CompareNumbers(a, b) == 0;
        switch (a)
        {
            case string s: return b is string t && string.Equals(s, t, StringComparison.Ordinal);
            case bool x: return b is bool y && x == y;
            case byte[] ba: return b is byte[] bb && ba.AsSpan().SequenceEqual(bb);
            case DateTimeOffset ta: return b is DateTimeOffset tb && ta == tb;
            case TimeSpan da: return b is TimeSpan db && da == db;
        }
        if (IsList(a))
        {
            if (!IsList(b)) return false;
            var n = ListCount(a);
            if (n != ListCount(b)) return false;
            for (var i = 0; i < n; i++) if (!Equal(ListGet(a, i), ListGet(b, i))) return false;
            return true;
        }
        if (IsMap(a))
        {
            if (!IsMap(b) || MapCount(a) != MapCount(b)) return false;
            foreach (var k in MapKeys(a))
            {
                if (!MapTryGet(b, k, out var vb) || !MapTryGet(a, k, out var va) || !Equal(va, vb)) return false;
            }
            return true;
        }
        return false;
    }

    private static bool IsNumber(object? v) => v is long or ulong or double;

    /// <summary>Total order across numeric types (NaN compares as unordered: callers treat it as false).</summary>
    private static int CompareNumbers(object a, object b)
    {
        switch (a, b)
        {
            case (long x, long y): return x.CompareTo(y);
            case (ulong x, ulong y): return x.CompareTo(y);
            case (long x, ulong y): return x < 0 ? -1 : ((ulong)x).CompareTo(y);
            case (ulong x, long y): return y < 0 ? 1 : x.CompareTo((ulong)y);
        }
        var da = ToDouble(a);
        var db = ToDouble(b);
        if (double.IsNaN(da) || double.IsNaN(db)) return int.MinValue;
        return da.CompareTo(db);
    }

    private static double ToDouble(object v) => v switch { long l => l, ulong u => u, double d => d, _ => double.NaN };

    /// <summary>Ordering for &lt; &lt;= &gt; &gt;=: the comparison result, or an error value for unordered types.</summary>
    public static object? Compare(object? a, object? b, CelTokenKind op)
    {
        if (a is CelError) return a;
        if (b is CelError) return b;
        int c;
        if (IsNumber(a) && IsNumber(b)) c = CompareNumbers(a!, b!);
        else
        {
            switch (a, b)
            {
                case (string x, string y): c = string.CompareOrdinal(x, y); break;
                case (bool x, bool y): c = x.CompareTo(y); break;
                case (byte[] x, byte[] y): c = x.AsSpan().SequenceCompareTo(y); break;
                case (DateTimeOffset x, DateTimeOffset y): c = x.CompareTo(y); break;
                case (TimeSpan x, TimeSpan y): c = x.CompareTo(y); break;
                default: return CelError.NoOverload($"{Symbol(op)}({TypeName(a)}, {TypeName(b)})");
            }
        }
        if (c == int.MinValue) return false;
        return op switch
        {
            CelTokenKind.Lt => c < 0,
            CelTokenKind.Le => c <= 0,
            CelTokenKind.Gt => c > 0,
            _ => c >= 0,
        };
    }

    // ---- arithmetic --------------------------------------------------------------------------------------------

    public static object? Arithmetic(object? a, object? b, CelTokenKind op)
    {
        if (a is CelError) return a;
        if (b is CelError) return b;
        try
        {
            switch (a, b)
            {
                case (long x, long y):
                    return op switch
                    {
                        CelTokenKind.Plus => checked(x + y),
                        CelTokenKind.Minus => checked(x - y),
                        CelTokenKind.Star => checked(x * y),
                        CelTokenKind.Slash => y == 0 ? new CelError("division by zero") : x == long.MinValue && y == -1 ? Overflow() : x / y,
                        _ => y == 0 ? new CelError("modulus by zero") : x == long.MinValue && y == -1 ? 0L : x % y,
                    };
                case (ulong x, ulong y):
                    return op switch
                    {
                        CelTokenKind.Plus => checked(x + y),
                        CelTokenKind.Minus => checked(x - y),
                        CelTokenKind.Star => checked(x * y),
                        CelTokenKind.Slash => y == 0 ? new CelError("division by zero") : x / y,
                        _ => y == 0 ? new CelError("modulus by zero") : x % y,
                    };
                case (double x, double y):
                    return op switch
                    {
                        CelTokenKind.Plus => x + y,
                        CelTokenKind.Minus => x - y,
                        CelTokenKind.Star => x * y,
                        CelTokenKind.Slash => x / y,
                        _ => CelError.NoOverload("_%_(double, double)"),
                    };
                case (string x, string y) when op == CelTokenKind.Plus:
                    return string.Concat(x, y);
                case (byte[] x, byte[] y) when op == CelTokenKind.Plus:
                    return (byte[])[.. x, .. y];
                case (DateTimeOffset x, TimeSpan y) when op is CelTokenKind.Plus or CelTokenKind.Minus:
                    return op == CelTokenKind.Plus ? x + y : x - y;
                case (TimeSpan x, DateTimeOffset y) when op == CelTokenKind.Plus:
                    return y + x;
                case (DateTimeOffset x, DateTimeOffset y) when op == CelTokenKind.Minus:
                    return x - y;
                case (TimeSpan x, TimeSpan y) when op is CelTokenKind.Plus or CelTokenKind.Minus:
                    return op == CelTokenKind.Plus ? x + y : x - y;
            }
        }
        catch (OverflowException)
        {
            return Overflow();
        }
        if (op == CelTokenKind.Plus && IsList(a) && IsList(b))
        {
            var na = ListCount(a!);
            var nb = ListCount(b!);
            var result = new object?[na + nb];
            for (var i = 0; i < na; i++) result[i] = ListGet(a!, i);
            for (var i = 0; i < nb; i++) result[na + i] = ListGet(b!, i);
            return result;
        }
        return CelError.NoOverload($"{Symbol(op)}({TypeName(a)}, {TypeName(b)})");
    }

    private static CelError Overflow() => new("return error for overflow");

    public static object? Negate(object? v) => v switch
    {
        CelError => v,
        long l => l == long.MinValue ? Overflow() : -l,
        double d => -d,
        TimeSpan t => -t,
        _ => CelError.NoOverload($"-_({TypeName(v)})"),
    };

    public static object? Not(object? v) => v switch
    {
        CelError => v,
        bool b => !b,
        _ => CelError.NoOverload($"!_({TypeName(v)})"),
    };

    public static string Symbol(CelTokenKind op) => op switch
    {
        CelTokenKind.Plus => "_+_",
        CelTokenKind.Minus => "_-_",
        CelTokenKind.Star => "_*_",
        CelTokenKind.Slash => "_/_",
        CelTokenKind.Percent => "_%_",
        CelTokenKind.Lt => "_<_",
        CelTokenKind.Le => "_<=_",
        CelTokenKind.Gt => "_>_",
        CelTokenKind.Ge => "_>=_",
        _ => op.ToString(),
    };

    /// <summary>Text of a value for string() and error messages.</summary>
    public static string Format(object? v) => v switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => Encoding.UTF8.GetString(b),
        DateTimeOffset t => CelTime.FormatTimestamp(t),
        TimeSpan t => CelTime.FormatDuration(t),
        _ => TypeName(v),
    };
}
