using System.Globalization;

namespace Cuttle.Watch.Reflex;

/// <summary>Go's time.ParseDuration, which reflex uses for <c>-t</c> ("500ms", "1.5s", "1m30s"); a unit is required except for "0".</summary>
public static class GoDuration
{
    /// <exception cref="WatchException">Malformed or negative.</exception>
    public static TimeSpan Parse(string text, string flag)
    {
        if (TryParse(text, out var value))
        {
            return value;
        }

        throw new WatchException($"{flag}: invalid duration '{text}' (use a number with a unit: 300ms, 1.5s, 2m)");
    }

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.Trim();
        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        double totalMs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            double? scale = s[unitStart..i] switch
            {
                "ns" => 1e-6,
                "us" or "µs" or "μs" => 1e-3,
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null,
            };
            if (scale is null)
            {
                return false;
            }

            totalMs += number * scale.Value;
        }

        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }
}
