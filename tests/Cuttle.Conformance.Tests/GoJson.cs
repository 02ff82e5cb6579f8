using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// Writes JSON the way Go's <c>encoding/json</c> does, because the specs compare the mock's echo bodies byte for byte:
/// map keys sorted by their UTF-8 bytes, HTML-safe escaping (<c>&lt;</c> → <c>\u003c</c>, U+2028/2029 escaped),
/// <c>\b</c>/<c>\f</c> short escapes (Go 1.22+), other control characters as lowercase <c>\u00xx</c>.
/// Values are plain CLR objects: string, int, long, double, bool, null, lists and string-keyed dictionaries.
/// </summary>
internal static class GoJson
{
    /// <summary>Like <c>json.NewEncoder(w).Encode(v)</c>: the value followed by a newline.</summary>
    public static byte[] EncodeLine(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        sb.Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Like <c>json.Marshal(v)</c>: no trailing newline.</summary>
    public static string Marshal(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary>Go's <c>json.Marshal</c> of a value that <c>json.Unmarshal</c> produced (numbers become float64).</summary>
    public static string MarshalElement(JsonElement element)
    {
        var sb = new StringBuilder();
        WriteElement(sb, element);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case int i:
                sb.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(FormatFloat(d));
                break;
            case IReadOnlyDictionary<string, object?> map:
                WriteMap(sb, map);
                break;
            case IReadOnlyDictionary<string, List<string>> multi:
                var converted = new Dictionary<string, object?>(multi.Count, StringComparer.Ordinal);
                foreach (var (k, v) in multi)
                {
                    converted[k] = v;
                }

                WriteMap(sb, converted);
                break;
            case System.Collections.IEnumerable list:
                sb.Append('[');
                var first = true;
                foreach (var item in list)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    Write(sb, item);
                }

                sb.Append(']');
                break;
            default:
                throw new ArgumentException($"GoJson cannot encode {value.GetType().Name}", nameof(value));
        }
    }

    private static void WriteMap(StringBuilder sb, IReadOnlyDictionary<string, object?> map)
    {
        var keys = new List<string>(map.Keys);
        keys.Sort(Utf8Ordinal.Instance);
        sb.Append('{');
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            WriteString(sb, keys[i]);
            sb.Append(':');
            Write(sb, map[keys[i]]);
        }

        sb.Append('}');
    }

    private static void WriteElement(StringBuilder sb, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // Go decodes into map[string]interface{}: a repeated key keeps its last value.
                var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in element.EnumerateObject())
                {
                    map[p.Name] = p.Value;
                }

                var keys = new List<string>(map.Keys);
                keys.Sort(Utf8Ordinal.Instance);
                sb.Append('{');
                for (var i = 0; i < keys.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    WriteString(sb, keys[i]);
                    sb.Append(':');
                    WriteElement(sb, map[keys[i]]);
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteElement(sb, item);
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(sb, element.GetString()!);
                break;
            case JsonValueKind.Number:
                sb.Append(FormatFloat(element.GetDouble()));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>Go's float64 encoding: shortest round-trip digits, plain notation for 1e-6 ≤ |f| &lt; 1e21, else <c>1e+21</c>.</summary>
    internal static string FormatFloat(double d)
    {
        if (d == 0)
        {
            return "0";
        }

        var abs = Math.Abs(d);
        // Shortest round-trip digits: "R" gives them, possibly in exponent form; normalise through decimal parts.
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        if (negative)
        {
            shortest = shortest[1..];
        }

        string digits;
        int exponent; // value = 0.digits × 10^exponent
        var ePos = shortest.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        var exp10 = ePos >= 0 ? int.Parse(shortest[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.');
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        exponent = intPart.Length + exp10 - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        var sign = negative ? "-" : string.Empty;
        if (abs >= 1e-6 && abs < 1e21)
        {
            if (exponent <= 0)
            {
                return sign + "0." + new string('0', -exponent) + digits;
            }

            if (exponent >= digits.Length)
            {
                return sign + digits + new string('0', exponent - digits.Length);
            }

            return sign + digits[..exponent] + "." + digits[exponent..];
        }

        // Go: strconv 'e' format with at least two exponent digits, e.g. 1e+21, 1.5e-07.
        var e = exponent - 1;
        var m = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        var es = Math.Abs(e).ToString("00", CultureInfo.InvariantCulture);
        return sign + m + "e" + (e < 0 ? "-" : "+") + es;
    }

    internal static void WriteString(StringBuilder sb, string s)
    {
        const string hex = "0123456789abcdef";
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(hex[c >> 4]).Append(hex[c & 0xF]);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append(c).Append(s[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // Go replaces invalid UTF-8 with U+FFFD; a lone surrogate is the UTF-16 equivalent.
                        sb.Append("\\ufffd");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
