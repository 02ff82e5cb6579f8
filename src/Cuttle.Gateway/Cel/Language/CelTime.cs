using System.Globalization;
using Cuttle.Go;

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

    /// <summary>cel-go converts a string with Go's time.ParseDuration, so its int64-nanosecond range too.</summary>
    public static object ParseDuration(string text) => GoDuration.TryParse(text, out var d) ? d : Bad(text);

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
