using System.Globalization;

namespace Cuttle.Gateway.Cel.Language;

/// <summary>
/// timestamp() and duration() per cel-spec: timestamps are RFC 3339 strings, durations Go's time.ParseDuration
/// syntax ("1h30m", "-1.5s", "300ms"); both print back in those forms (durations as seconds with an "s" suffix).
/// </summary>
internal static class CelTime
{
    public static object ParseTimestamp(string text)
    {
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var t) && text.Length > 19 && (text[^1] is 'Z' or 'z' || text[^6] is '+' or '-'))
            return t.ToUniversalTime();
        return new CelError($"timestamp validation error: cannot parse '{text}' as RFC 3339");
    }

    public static object ParseDuration(string text)
    {
        // Go time.ParseDuration: [-+]? ( number unit )+ , or "0".
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+') { negative = s[0] == '-'; s = s[1..]; }
        if (s.SequenceEqual("0")) return TimeSpan.Zero;
        if (s.IsEmpty) return Bad(text);
        decimal totalNs = 0;
        while (!s.IsEmpty)
        {
            var n = 0;
            while (n < s.Length && (char.IsAsciiDigit(s[n]) || s[n] == '.')) n++;
            if (n == 0 || !decimal.TryParse(s[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return Bad(text);
            s = s[n..];
            var u = 0;
            while (u < s.Length && !char.IsAsciiDigit(s[u]) && s[u] != '.') u++;
            decimal unit;
            switch (s[..u])
            {
                case "ns": unit = 1m; break;
                case "us" or "µs" or "μs": unit = 1_000m; break;
                case "ms": unit = 1_000_000m; break;
                case "s": unit = 1_000_000_000m; break;
                case "m": unit = 60_000_000_000m; break;
                case "h": unit = 3_600_000_000_000m; break;
                default: return Bad(text);
            }
            s = s[u..];
            totalNs += value * unit;
        }
        if (negative) totalNs = -totalNs;
        var ticks = totalNs / 100m;
        if (ticks > long.MaxValue || ticks < long.MinValue) return Bad(text);
        return TimeSpan.FromTicks((long)ticks);
    }

    private static CelError Bad(string text) => new($"duration validation error: cannot parse '{text}'");

    public static string FormatTimestamp(DateTimeOffset t)
        => t.ToUniversalTime().ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string FormatDuration(TimeSpan d)
    {
        var seconds = d.Ticks / (decimal)TimeSpan.TicksPerSecond;
        return seconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>Timestamp accessors (getFullYear, getHours, …), in UTC or in the given "+hh:mm"/"UTC" zone.</summary>
    public static object? Accessor(string name, object? target, object? zone)
    {
        if (target is CelError) return target;
        if (zone is CelError) return zone;
        if (target is TimeSpan d)
        {
            return name switch
            {
                "getHours" => (long)d.TotalHours,
                "getMinutes" => (long)d.TotalMinutes,
                "getSeconds" => (long)d.TotalSeconds,
                "getMilliseconds" => (long)d.Milliseconds,
                _ => CelError.NoOverload(name + "(google.protobuf.Duration)"),
            };
        }
        if (target is not DateTimeOffset t) return CelError.NoOverload($"{name}({CelRuntime.TypeName(target)})");
        if (zone is string z)
        {
            if (!TryOffset(z, out var offset)) return new CelError($"unknown timezone '{z}'");
            t = t.ToOffset(offset);
        }
        else t = t.ToUniversalTime();
        return name switch
        {
            "getFullYear" => (long)t.Year,
            "getMonth" => (long)t.Month - 1,
            "getDate" => (long)t.Day,
            "getDayOfMonth" => (long)t.Day - 1,
            "getDayOfWeek" => (long)t.DayOfWeek,
            "getDayOfYear" => (long)t.DayOfYear - 1,
            "getHours" => (long)t.Hour,
            "getMinutes" => (long)t.Minute,
            "getSeconds" => (long)t.Second,
            "getMilliseconds" => (long)t.Millisecond,
            _ => CelError.NoOverload(name),
        };
    }

    private static bool TryOffset(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone is "UTC" or "Z" or "") return true;
        var s = zone;
        var sign = 1;
        if (s[0] is '+' or '-') { sign = s[0] == '-' ? -1 : 1; s = s[1..]; }
        if (!TimeSpan.TryParseExact(s, "hh\\:mm", CultureInfo.InvariantCulture, out var o)) return false;
        offset = sign * o;
        return true;
    }
}
