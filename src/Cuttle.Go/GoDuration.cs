namespace Cuttle.Go;

/// <summary>
/// Go's <c>time.ParseDuration</c>: a signed sequence of decimal numbers with a unit each (<c>"300ms"</c>,
/// <c>"-1.5h"</c>, <c>"2h45m"</c>); units ns, us (µs, μs), ms, s, m, h; a bare <c>"0"</c> is allowed. KrakenD reads
/// every duration field through it (koanf + mapstructure's StringToTimeDurationHookFunc), reflex its <c>-t</c> flag, and
/// cel-go its <c>duration()</c> conversion. As in Go: no surrounding whitespace, a unit after every number, and the
/// int64 nanosecond range (about ±292 years; the most negative value is allowed, its positive twin is not).
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
            return false;
        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.SequenceEqual("0"))
            return true;
        if (s.IsEmpty)
            return false;

        // Go sums the magnitude in a uint64 and allows 1<<63 only when the sign makes it -1<<63.
        var limit = negative ? (decimal)long.MaxValue + 1 : long.MaxValue;
        decimal totalNs = 0;
        while (!s.IsEmpty)
        {
            var i = 0;
            decimal whole = 0;
            var digits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                whole = (whole * 10) + (s[i] - '0');
                if (whole > 1e20m)
                    return false;
                i++;
                digits++;
            }
            decimal fraction = 0;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                decimal scale = 1;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    if (scale > 1e-20m)
                    {
                        scale /= 10;
                        fraction += (s[i] - '0') * scale;
                    }
                    i++;
                    digits++;
                }
            }
            if (digits == 0)
                return false;
            var unitStart = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
                i++;
            var unit = s[unitStart..i];
            decimal ns;
            switch (unit)
            {
                case "ns": ns = 1; break;
                case "us" or "\u00b5s" or "\u03bcs": ns = 1_000; break;
                case "ms": ns = 1_000_000; break;
                case "s": ns = 1_000_000_000; break;
                case "m": ns = 60_000_000_000; break;
                case "h": ns = 3_600_000_000_000; break;
                default: return false;
            }
            // Checked before multiplying, as Go does (v > 1<<63/unit): a long enough number would overflow decimal
            // itself ("99999999999999999999s" threw OverflowException instead of being refused).
            if (whole + fraction > limit / ns)
                return false;
            totalNs += (whole + fraction) * ns;
            // Go's limit is the int64 nanosecond range (about 292 years).
            if (totalNs > limit)
                return false;
            s = s[i..];
        }
        // Truncated towards zero, as Go truncates a fraction to whole nanoseconds.
        var ticks = (long)(totalNs / 100);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }
}
