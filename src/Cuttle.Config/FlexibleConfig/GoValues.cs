using System.Globalization;
using System.Text;
using System.Text.Json;
using Cuttle.Go;

namespace Cuttle.Config.FlexibleConfig;

/// <summary>
/// Template values and Go's formatting of them. Settings JSON becomes what Go's encoding/json produces for
/// interface{}: objects → <see cref="SortedDictionary{TKey,TValue}"/> (Go prints and ranges maps in key order),
/// arrays → <see cref="List{T}"/>, numbers → double (float64), plus string, bool and null. Template literals and
/// arithmetic results are long (Go int/int64).
/// </summary>
internal static class GoValues
{
    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => ObjectFromJson(e),
        JsonValueKind.Array => ArrayFromJson(e),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static SortedDictionary<string, object?> ObjectFromJson(JsonElement e)
    {
        var map = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject()) map[p.Name] = FromJson(p.Value);
        return map;
    }

    private static List<object?> ArrayFromJson(JsonElement e)
    {
        var list = new List<object?>(e.GetArrayLength());
        foreach (var item in e.EnumerateArray()) list.Add(FromJson(item));
        return list;
    }

    /// <summary>Go's template truth: false, 0, nil, and empty strings, slices and maps are false.</summary>
    public static bool IsTrue(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        List<object?> list => list.Count > 0,
        SortedDictionary<string, object?> map => map.Count > 0,
        _ => true,
    };

    /// <summary>fmt.Sprint of one value; <paramref name="top"/> prints nil as text/template does ("&lt;no value&gt;").</summary>
    public static string Print(object? v, bool top = true)
    {
        var sb = new StringBuilder();
        Print(sb, v, top);
        return sb.ToString();
    }

    public static void Print(StringBuilder sb, object? v, bool top)
    {
        switch (v)
        {
            case null: sb.Append(top ? "<no value>" : "<nil>"); break;
            case string s: sb.Append(s); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatFloat(d, json: false)); break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    Print(sb, list[i], false);
                }
                sb.Append(']');
                break;
            case SortedDictionary<string, object?> map:
                sb.Append("map[");
                var first = true;
                foreach (var (k, item) in map)
                {
                    if (!first) sb.Append(' ');
                    first = false;
                    sb.Append(k).Append(':');
                    Print(sb, item, false);
                }
                sb.Append(']');
                break;
            default: sb.Append(v); break;
        }
    }

    /// <summary>
    /// Go float64 formatting. fmt's %v uses strconv 'g' with the shortest digits and exponent form when the exponent
    /// is &lt; -4 or ≥ 6 (so 1000000 prints as 1e+06, the known Helm/KrakenD surprise); encoding/json uses exponent
    /// form only below 1e-6 or from 1e21.
    /// </summary>
    public static string FormatFloat(double d, bool json)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "+Inf" : "-Inf";
        if (d == 0) return "0";
        // Shortest round-trip digits.
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var neg = d < 0;
        var (digits, exp) = Decompose(shortest.TrimStart('-'));
        var abs = Math.Abs(d);
        var useExp = json ? abs < 1e-6 || abs >= 1e21 : exp < -4 || exp >= 6;
        var sb = new StringBuilder();
        if (neg) sb.Append('-');
        if (useExp)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exp < 0 ? '-' : '+');
            var e = Math.Abs(exp);
            // Go: at least two exponent digits for fmt, as few as needed for encoding/json.
            sb.Append(json ? e.ToString(CultureInfo.InvariantCulture) : e.ToString("00", CultureInfo.InvariantCulture));
            return sb.ToString();
        }
        // exp is the power of ten of the first digit.
        if (exp < 0)
        {
            sb.Append("0.").Append('0', -exp - 1).Append(digits);
        }
        else if (exp + 1 >= digits.Length)
        {
            sb.Append(digits).Append('0', exp + 1 - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, exp + 1).Append('.').Append(digits, exp + 1, digits.Length - exp - 1);
        }
        return sb.ToString();
    }

    private static (string Digits, int Exp) Decompose(string s)
    {
        var e = s.IndexOfAny(['E', 'e']);
        var exp = 0;
        if (e >= 0)
        {
            exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? "" : s[(dot + 1)..];
        var all = intPart + frac;
        var pointPos = intPart.Length + exp; // digits before the decimal point
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        all = all[lead..];
        pointPos -= lead;
        all = all.TrimEnd('0');
        if (all.Length == 0) all = "0";
        return (all, pointPos - 1);
    }

    /// <summary>Go's encoding/json.Marshal: sorted keys, HTML-safe escaping, float64 formatting as Go.</summary>
    public static string Marshal(object? v)
    {
        var sb = new StringBuilder();
        WriteJson(sb, v);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case string s: WriteJsonString(sb, s); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatFloat(d, json: true)); break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteJson(sb, list[i]);
                }
                sb.Append(']');
                break;
            case SortedDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                foreach (var (k, item) in map)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteJsonString(sb, k);
                    sb.Append(':');
                    WriteJson(sb, item);
                }
                sb.Append('}');
                break;
            default: WriteJsonString(sb, v.ToString() ?? ""); break;
        }
    }

    // Go's json.Marshal of a string; shared with the gateway's bodies so the two cannot drift.
    private static void WriteJsonString(StringBuilder sb, string s) => GoJson.AppendString(sb, s);

    public static string TypeName(object? v) => v switch
    {
        null => "nil",
        string => "string",
        bool => "bool",
        long => "int",
        double => "float64",
        List<object?> => "[]interface {}",
        SortedDictionary<string, object?> => "map[string]interface {}",
        _ => v.GetType().Name,
    };
}
