using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Codecs;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// krakend-jose's Claims.Get and Claims.List: how a claim (decoded by Go into interface{}) becomes header text. A string
/// is itself; a number within 1e-6 of an integer is that integer ("%d"), another number "%f" (six decimals); a list
/// is its elements in fmt's %v joined by "," (List: one value each); anything else (bool, null, object) is
/// json.Marshal's text.
/// </summary>
internal static class ClaimText
{
    private const double Epsilon = 1e-6;

    public static string Get(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => Number(v.GetDouble()),
        JsonValueKind.Array => JoinedList(v),
        _ => Marshal(v),
    };

    public static string[] List(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String: return [v.GetString()!];
            case JsonValueKind.Number: return [Number(v.GetDouble())];
            case JsonValueKind.Array:
                var values = new string[v.GetArrayLength()];
                var i = 0;
                foreach (var item in v.EnumerateArray()) values[i++] = FmtV(ToGo(item));
                return values;
            default: return [Marshal(v)];
        }
    }

    private static string Number(double f)
    {
        var r = Math.Round(f, MidpointRounding.AwayFromZero); // Go's math.Round
        if (Math.Abs(f - r) <= Epsilon)
        {
            // Go's int(r) of a value beyond int64 is the minimum int64 on amd64.
            var i = r is >= -9.223372036854775808e18 and < 9.223372036854775808e18 ? (long)r : long.MinValue;
            return i.ToString(CultureInfo.InvariantCulture);
        }
        return f.ToString("F6", CultureInfo.InvariantCulture);
    }

    private static string JoinedList(JsonElement v)
    {
        var sb = new StringBuilder();
        var first = true;
        foreach (var item in v.EnumerateArray())
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(FmtV(ToGo(item)));
        }
        return sb.ToString();
    }

    /// <summary>json.Marshal of the decoded value: numbers re-formatted from float64, keys sorted.</summary>
    private static string Marshal(JsonElement v)
    {
        var buffer = new ArrayBufferWriter<byte>();
        GoJsonWriter.Write(buffer, ToGo(v));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>encoding/json's decoding into interface{}: map, slice, float64, string, bool, nil.</summary>
    private static object? ToGo(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in v.EnumerateObject()) map[p.Name] = ToGo(p.Value);
                return map;
            case JsonValueKind.Array:
                var list = new List<object?>(v.GetArrayLength());
                foreach (var item in v.EnumerateArray()) list.Add(ToGo(item));
                return list;
            case JsonValueKind.String: return v.GetString();
            case JsonValueKind.Number: return v.GetDouble();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default: return null;
        }
    }

    /// <summary>fmt's %v of a decoded JSON value.</summary>
    internal static string FmtV(object? value)
    {
        switch (value)
        {
            case null: return "<nil>";
            case string s: return s;
            case bool b: return b ? "true" : "false";
            case double d: return FormatG(d);
            case List<object?> list:
            {
                var sb = new StringBuilder("[");
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    sb.Append(FmtV(list[i]));
                }
                return sb.Append(']').ToString();
            }
            case Dictionary<string, object?> map:
            {
                var keys = new List<string>(map.Keys);
                keys.Sort(StringComparer.Ordinal);
                var sb = new StringBuilder("map[");
                for (var i = 0; i < keys.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    sb.Append(keys[i]).Append(':').Append(FmtV(map[keys[i]]));
                }
                return sb.Append(']').ToString();
            }
            default: return value.ToString() ?? "";
        }
    }

    /// <summary>strconv.FormatFloat(f, 'g', -1, 64): shortest digits, %e when the exponent is below -4 or at least 6.</summary>
    internal static string FormatG(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "+Inf" : "-Inf";
        if (d == 0) return double.IsNegative(d) ? "-0" : "0";
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var mantissa = r;
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..e];
        }
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? mantissa : mantissa[..dot];
        var all = dot < 0 ? mantissa : intPart + mantissa[(dot + 1)..];
        var digits = all.TrimStart('0');
        var dp = intPart.Length + exponent - (all.Length - digits.Length);
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var x = dp - 1;
        string body;
        if (x < -4 || x >= 6)
            body = digits[0] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (x < 0 ? "-" : "+") + Math.Abs(x).ToString("00", CultureInfo.InvariantCulture);
        else if (dp <= 0)
            body = "0." + new string('0', -dp) + digits;
        else if (dp >= digits.Length)
            body = digits + new string('0', dp - digits.Length);
        else
            body = digits[..dp] + "." + digits[dp..];
        return d < 0 ? "-" + body : body;
    }
}
