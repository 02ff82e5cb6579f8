using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Codecs;

/// <summary>
/// Block-style YAML as gin's c.YAML renders KrakenD data: sorted keys, two-space indentation, plain scalars where
/// YAML allows them, quoted otherwise.
/// </summary>
internal static class YamlWriter
{
    public static void Write(StringBuilder sb, object? value) => WriteValue(sb, value, 0, inList: false);

    private static void WriteValue(StringBuilder sb, object? value, int indent, bool inList)
    {
        value = DataTree.Unwrap(value);
        if (value is JsonElement je) value = (object?)DataTree.AsMap(je) ?? DataTree.AsList(je);
        switch (value)
        {
            case Dictionary<string, object?> map when map.Count > 0:
                var keys = new List<string>(map.Keys);
                keys.Sort(StringComparer.Ordinal);
                var first = true;
                foreach (var key in keys)
                {
                    if (!(first && inList)) sb.Append(' ', indent);
                    first = false;
                    AppendScalar(sb, key);
                    sb.Append(':');
                    WriteChild(sb, map[key], indent);
                }
                return;
            case List<object?> list when list.Count > 0:
                foreach (var item in list)
                {
                    sb.Append(' ', indent).Append("- ");
                    var v = DataTree.Unwrap(item);
                    if (v is JsonElement e) v = (object?)DataTree.AsMap(e) ?? DataTree.AsList(e);
                    if (v is Dictionary<string, object?> { Count: > 0 }) WriteValue(sb, v, indent + 2, inList: true);
                    else if (v is List<object?> { Count: > 0 }) { sb.Append('\n'); WriteValue(sb, v, indent + 2, false); }
                    else { AppendInline(sb, v); sb.Append('\n'); }
                }
                return;
            default:
                AppendInline(sb, value);
                sb.Append('\n');
                return;
        }
    }

    private static void WriteChild(StringBuilder sb, object? value, int indent)
    {
        var v = DataTree.Unwrap(value);
        if (v is JsonElement e) v = (object?)DataTree.AsMap(e) ?? DataTree.AsList(e);
        if (v is Dictionary<string, object?> { Count: > 0 })
        {
            sb.Append('\n');
            WriteValue(sb, v, indent + 2, false);
        }
        else if (v is List<object?> { Count: > 0 })
        {
            sb.Append('\n');
            WriteValue(sb, v, indent, false);
        }
        else
        {
            sb.Append(' ');
            AppendInline(sb, v);
            sb.Append('\n');
        }
    }

    private static void AppendInline(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case RawNumber n: sb.Append(n.Text); break;
            case Dictionary<string, object?>: sb.Append("{}"); break;
            case List<object?>: sb.Append("[]"); break;
            case string s: AppendScalar(sb, s); break;
            default: sb.Append(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    private static void AppendScalar(StringBuilder sb, string s)
    {
        if (NeedsQuotes(s))
        {
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\t': sb.Append("\\t"); break;
                    default: sb.Append(c); break;
                }
            }
            sb.Append('"');
        }
        else
        {
            sb.Append(s);
        }
    }

    private static bool NeedsQuotes(string s)
    {
        if (s.Length == 0) return true;
        if (s is "true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~" or "True" or "False" or "Null" or "NULL") return true;
        if (double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)) return true;
        var c0 = s[0];
        if (c0 is ' ' or '!' or '&' or '*' or '{' or '}' or '[' or ']' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or '#' or ',' or '?') return true;
        if (c0 == '-' && (s.Length == 1 || s[1] == ' ')) return true;
        if (s[^1] == ' ') return true;
        if (s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) || s.EndsWith(':')) return true;
        foreach (var c in s) if (c < 0x20) return true;
        return false;
    }
}
