using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// The standard-library overloads the parser binds calls to (cel-spec "Standard Definitions"): type conversions,
/// size, the string predicates and regex matching. Regexes use RegexOptions.NonBacktracking, which like RE2 runs in
/// linear time and has no backreferences or lookarounds.
/// </summary>
internal static class CelFunctions
{
    private const int MaxCachedPatterns = 256;
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    public static Regex CompileRegex(string pattern)
        => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static object? ToInt(object? v)
    {
        switch (v)
        {
            case long: return v;
            case ulong u: return u > long.MaxValue ? new CelError("int overflow") : (long)u;
            case double d:
                // cel-go rejects NaN, infinities and values outside the int64 range instead of saturating.
                if (double.IsNaN(d) || d <= -9.2233720368547758e18 || d >= 9.2233720368547758e18) return new CelError("int overflow");
                return (long)Math.Truncate(d);
            case string s:
                return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? l : new CelError($"cannot convert '{s}' to int");
            case bool b: return b ? 1L : 0L;
            case DateTimeOffset t: return t.ToUnixTimeSeconds();
            case TimeSpan ts: return ts.Ticks * 100;
            default: return CelError.NoOverload($"int({CelRuntime.TypeName(v)})");
        }
    }

    public static object? ToUint(object? v)
    {
        switch (v)
        {
            case ulong: return v;
            case long l: return l < 0 ? new CelError("uint overflow") : (ulong)l;
            case double d:
                if (double.IsNaN(d) || d < 0 || d >= 1.8446744073709552e19) return new CelError("uint overflow");
                return (ulong)Math.Truncate(d);
            case string s:
                return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var u)
                    ? u : new CelError($"cannot convert '{s}' to uint");
            case bool b: return b ? 1UL : 0UL;
            default: return CelError.NoOverload($"uint({CelRuntime.TypeName(v)})");
        }
    }

    public static object? ToDouble(object? v)
    {
        switch (v)
        {
            case double: return v;
            case long l: return (double)l;
            case ulong u: return (double)u;
            case string s:
                if (s.Equals("NaN", StringComparison.Ordinal)) return double.NaN;
                if (s.Equals("Infinity", StringComparison.Ordinal) || s.Equals("+Infinity", StringComparison.Ordinal)) return double.PositiveInfinity;
                if (s.Equals("-Infinity", StringComparison.Ordinal)) return double.NegativeInfinity;
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d : new CelError($"cannot convert '{s}' to double");
            default: return CelError.NoOverload($"double({CelRuntime.TypeName(v)})");
        }
    }

    public static object? ToString(object? v) => v switch
    {
        string or long or ulong or double or bool or DateTimeOffset or TimeSpan => CelRuntime.Format(v),
        byte[] b => Utf8(b),
        _ => CelError.NoOverload($"string({CelRuntime.TypeName(v)})"),
    };

    private static object Utf8(byte[] b)
    {
        try { return new UTF8Encoding(false, true).GetString(b); }
        catch (DecoderFallbackException) { return new CelError("invalid UTF-8 in bytes, cannot convert to string"); }
    }

    public static object? ToBool(object? v) => v switch
    {
        bool => v,
        string s => s switch
        {
            "true" or "TRUE" or "True" or "t" or "1" => true,
            "false" or "FALSE" or "False" or "f" or "0" => false,
            _ => new CelError($"cannot convert '{s}' to bool"),
        },
        _ => CelError.NoOverload($"bool({CelRuntime.TypeName(v)})"),
    };

    public static object? ToBytes(object? v) => v switch
    {
        byte[] => v,
        string s => Encoding.UTF8.GetBytes(s),
        _ => CelError.NoOverload($"bytes({CelRuntime.TypeName(v)})"),
    };

    public static object? ToTimestamp(object? v) => v switch
    {
        DateTimeOffset => v,
        string s => CelTime.ParseTimestamp(s),
        long l => l is >= -62135596800 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(l) : new CelError("timestamp out of range"),
        _ => CelError.NoOverload($"timestamp({CelRuntime.TypeName(v)})"),
    };

    public static object? ToDuration(object? v) => v switch
    {
        TimeSpan => v,
        string s => CelTime.ParseDuration(s),
        _ => CelError.NoOverload($"duration({CelRuntime.TypeName(v)})"),
    };

    public static object? Dyn(object? v) => v;

    public static object? StartsWith(object? s, object? prefix) => (s, prefix) switch
    {
        (string a, string b) => a.StartsWith(b, StringComparison.Ordinal),
        _ => CelError.NoOverload($"startsWith({CelRuntime.TypeName(s)}, {CelRuntime.TypeName(prefix)})"),
    };

    public static object? EndsWith(object? s, object? suffix) => (s, suffix) switch
    {
        (string a, string b) => a.EndsWith(b, StringComparison.Ordinal),
        _ => CelError.NoOverload($"endsWith({CelRuntime.TypeName(s)}, {CelRuntime.TypeName(suffix)})"),
    };

    public static object? Contains(object? s, object? part) => (s, part) switch
    {
        (string a, string b) => a.Contains(b, StringComparison.Ordinal),
        _ => CelError.NoOverload($"contains({CelRuntime.TypeName(s)}, {CelRuntime.TypeName(part)})"),
    };

    /// <summary>matches() with a pattern only known at run time: compiled on first use and cached (bounded).</summary>
    public static object? Matches(object? s, object? pattern)
    {
        if (s is not string text || pattern is not string p)
            return CelError.NoOverload($"matches({CelRuntime.TypeName(s)}, {CelRuntime.TypeName(pattern)})");
        if (!Patterns.TryGetValue(p, out var regex))
        {
            try { regex = CompileRegex(p); }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException) { return new CelError("invalid regular expression: " + ex.Message); }
            if (Patterns.Count < MaxCachedPatterns) Patterns.TryAdd(p, regex);
        }
        return regex.IsMatch(text);
    }
}
