using System.Buffers;
using System.Globalization;
using System.Text;
using Cuttle.Config.Model.Telemetry;
using Cuttle.Go;

namespace Cuttle.Telemetry.Logging;

/// <summary>
/// The bits of Go's fmt and time the log lines are made of, written as UTF-8 straight into a buffer: time.Format
/// layouts, time.Duration's String, and the single printf verbs go-logging layouts use.
/// </summary>
internal static class GoText
{
    public static void Ascii(IBufferWriter<byte> w, string s)
    {
        var span = w.GetSpan(s.Length);
        for (var i = 0; i < s.Length; i++) span[i] = (byte)s[i];
        w.Advance(s.Length);
    }

    public static void Utf8(IBufferWriter<byte> w, string s)
    {
        var span = w.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length));
        w.Advance(Encoding.UTF8.GetBytes(s, span));
    }

    public static void Utf8(IBufferWriter<byte> w, ReadOnlySpan<char> s)
    {
        var span = w.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length));
        w.Advance(Encoding.UTF8.GetBytes(s, span));
    }

    public static void Byte(IBufferWriter<byte> w, byte b)
    {
        w.GetSpan(1)[0] = b;
        w.Advance(1);
    }

    public static void Spaces(IBufferWriter<byte> w, int n, byte pad = (byte)' ')
    {
        if (n <= 0) return;
        w.GetSpan(n)[..n].Fill(pad);
        w.Advance(n);
    }

    public static void Int(IBufferWriter<byte> w, long value, int minDigits = 1)
    {
        // Digits written by hand: no format string or temporary per call (the pump formats every line with these).
        Span<byte> tmp = stackalloc byte[24];
        var neg = value < 0;
        var u = neg ? (ulong)(-value) : (ulong)value;
        var i = tmp.Length;
        do
        {
            tmp[--i] = (byte)('0' + (int)(u % 10));
            u /= 10;
        }
        while (u != 0);
        while (tmp.Length - i < minDigits) tmp[--i] = (byte)'0';
        if (neg) tmp[--i] = (byte)'-';
        var n = tmp.Length - i;
        tmp[i..].CopyTo(w.GetSpan(n));
        w.Advance(n);
    }

    // ---- time.Duration.String -----------------------------------------------------------------------------------

    /// <summary>Go's time.Duration String (e.g. 0s, 850ns, 1.5µs, 12.34ms, 1m2.5s) into <paramref name="dest"/> (40 chars suffice).</summary>
    public static int Duration(long nanoseconds, Span<char> dest)
    {
        var pos = 0;
        if (nanoseconds < 0) dest[pos++] = '-';
        var u = nanoseconds < 0 ? (ulong)(-nanoseconds) : (ulong)nanoseconds;
        if (u < 1_000_000_000UL)
        {
            if (u == 0) { dest[pos++] = '0'; dest[pos++] = 's'; return pos; }
            if (u < 1000) { pos += Digits(u, dest[pos..]); dest[pos++] = 'n'; dest[pos++] = 's'; return pos; }
            var micro = u < 1_000_000;
            pos += Fixed(u, micro ? 3 : 6, dest[pos..]);
            dest[pos++] = micro ? 'µ' : 'm';
            dest[pos++] = 's';
            return pos;
        }
        var secs = u / 1_000_000_000UL;
        var h = secs / 3600;
        var m = secs / 60 % 60;
        if (h > 0) { pos += Digits(h, dest[pos..]); dest[pos++] = 'h'; }
        if (h > 0 || m > 0) { pos += Digits(m, dest[pos..]); dest[pos++] = 'm'; }
        pos += Fixed(secs % 60 * 1_000_000_000UL + u % 1_000_000_000UL, 9, dest[pos..]);
        dest[pos++] = 's';
        return pos;
    }

    private static int Digits(ulong v, Span<char> dest)
    {
        v.TryFormat(dest, out var n, default, CultureInfo.InvariantCulture);
        return n;
    }

    /// <summary><paramref name="v"/> / 10^<paramref name="prec"/> with the fraction's trailing zeros (and a bare point) dropped.</summary>
    private static int Fixed(ulong v, int prec, Span<char> dest)
    {
        ulong div = 1;
        for (var i = 0; i < prec; i++) div *= 10;
        var pos = Digits(v / div, dest);
        var frac = v % div;
        if (frac == 0) return pos;
        dest[pos++] = '.';
        for (var i = prec - 1; i >= 0; i--)
        {
            dest[pos + i] = (char)('0' + (int)(frac % 10));
            frac /= 10;
        }
        var end = pos + prec;
        while (dest[end - 1] == '0') end--;
        return end;
    }

    // ---- time.Format ----------------------------------------------------------------------------------------------

    private static readonly string[] ShortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly string[] LongMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] ShortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] LongDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    /// <summary>Go's Time.Format with a reference-time layout (the tokens of time/format.go's nextStdChunk).</summary>
    public static void Time(IBufferWriter<byte> w, DateTimeOffset t, string layout)
    {
        var i = 0;
        while (i < layout.Length)
        {
            var c = layout[i];
            var rest = layout.AsSpan(i);
            switch (c)
            {
                case 'J':
                    if (rest.StartsWith("January")) { Ascii(w, LongMonths[t.Month - 1]); i += 7; continue; }
                    if (rest.StartsWith("Jan")) { Ascii(w, ShortMonths[t.Month - 1]); i += 3; continue; }
                    break;
                case 'M':
                    if (rest.StartsWith("Monday")) { Ascii(w, LongDays[(int)t.DayOfWeek]); i += 6; continue; }
                    if (rest.StartsWith("Mon")) { Ascii(w, ShortDays[(int)t.DayOfWeek]); i += 3; continue; }
                    if (rest.StartsWith("MST")) { Zone(w, t.Offset, abbreviation: true, colon: false, seconds: false, z: false); i += 3; continue; }
                    break;
                case '0':
                    if (rest.Length >= 2 && rest[1] is >= '1' and <= '6')
                    {
                        switch (rest[1])
                        {
                            case '1': Int(w, t.Month, 2); break;
                            case '2': Int(w, t.Day, 2); break;
                            case '3': Int(w, Hour12(t), 2); break;
                            case '4': Int(w, t.Minute, 2); break;
                            case '5': Int(w, t.Second, 2); break;
                            case '6': Int(w, t.Year % 100, 2); break;
                        }
                        i += 2;
                        continue;
                    }
                    if (rest.StartsWith("002")) { Int(w, t.DayOfYear, 3); i += 3; continue; }
                    break;
                case '1':
                    if (rest.StartsWith("15")) { Int(w, t.Hour, 2); i += 2; continue; }
                    Int(w, t.Month); i += 1; continue;
                case '2':
                    if (rest.StartsWith("2006")) { Int(w, t.Year, 4); i += 4; continue; }
                    Int(w, t.Day); i += 1; continue;
                case '_':
                    if (rest.StartsWith("_2") && !rest.StartsWith("_2006"))
                    {
                        if (t.Day < 10) Byte(w, (byte)' ');
                        Int(w, t.Day);
                        i += 2;
                        continue;
                    }
                    if (rest.StartsWith("__2")) { var d = t.DayOfYear; Spaces(w, d < 10 ? 2 : d < 100 ? 1 : 0); Int(w, d); i += 3; continue; }
                    break;
                case '3': Int(w, Hour12(t)); i += 1; continue;
                case '4': Int(w, t.Minute); i += 1; continue;
                case '5': Int(w, t.Second); i += 1; continue;
                case 'P':
                    if (rest.StartsWith("PM")) { Ascii(w, t.Hour >= 12 ? "PM" : "AM"); i += 2; continue; }
                    break;
                case 'p':
                    if (rest.StartsWith("pm")) { Ascii(w, t.Hour >= 12 ? "pm" : "am"); i += 2; continue; }
                    break;
                case '-' or 'Z':
                {
                    var z = c == 'Z';
                    var body = rest[1..];
                    int len; bool colon, secs;
                    if (body.StartsWith("07:00:00")) { len = 9; colon = true; secs = true; }
                    else if (body.StartsWith("070000")) { len = 7; colon = false; secs = true; }
                    else if (body.StartsWith("07:00")) { len = 6; colon = true; secs = false; }
                    else if (body.StartsWith("0700")) { len = 5; colon = false; secs = false; }
                    else if (body.StartsWith("07")) { len = 3; colon = false; secs = false; }
                    else break;
                    if (z && t.Offset == TimeSpan.Zero) Byte(w, (byte)'Z');
                    else Zone(w, t.Offset, abbreviation: false, colon, secs, z: len == 3);
                    i += len;
                    continue;
                }
                case '.' or ',':
                    if (rest.Length >= 2 && rest[1] is '0' or '9')
                    {
                        var ch = rest[1];
                        var j = 1;
                        while (j < rest.Length && rest[j] == ch) j++;
                        if (j >= rest.Length || !char.IsAsciiDigit(rest[j]))
                        {
                            var digits = Math.Min(j - 1, 9);
                            var ns = (t.Ticks % TimeSpan.TicksPerSecond) * 100;
                            var frac = ns.ToString("D9", CultureInfo.InvariantCulture)[..digits];
                            if (ch == '9') frac = frac.TrimEnd('0');
                            if (frac.Length > 0 || ch == '0')
                            {
                                Byte(w, (byte)c);
                                Ascii(w, frac);
                            }
                            i += j;
                            continue;
                        }
                    }
                    break;
            }
            // Not a token: copy the character (a whole UTF-16 pair for astral characters).
            var n = char.IsHighSurrogate(c) && i + 1 < layout.Length ? 2 : 1;
            Utf8(w, layout.AsSpan(i, n));
            i += n;
        }
    }

    private static int Hour12(DateTimeOffset t) => t.Hour % 12 == 0 ? 12 : t.Hour % 12;

    private static void Zone(IBufferWriter<byte> w, TimeSpan offset, bool abbreviation, bool colon, bool seconds, bool z)
    {
        if (abbreviation)
        {
            // Go prints the zone's abbreviation; .NET has none, so UTC is "UTC" and others the numeric offset (Go's own
            // fallback for a zone without an abbreviation, e.g. "+03").
            if (offset == TimeSpan.Zero) { Ascii(w, "UTC"); return; }
            Byte(w, (byte)(offset < TimeSpan.Zero ? '-' : '+'));
            var a = offset.Duration();
            Int(w, a.Hours, 2);
            if (a.Minutes != 0) Int(w, a.Minutes, 2);
            return;
        }
        Byte(w, (byte)(offset < TimeSpan.Zero ? '-' : '+'));
        var abs = offset.Duration();
        Int(w, abs.Hours, 2);
        if (z) return; // "-07"
        if (colon) Byte(w, (byte)':');
        Int(w, abs.Minutes, 2);
        if (seconds)
        {
            if (colon) Byte(w, (byte)':');
            Int(w, abs.Seconds, 2);
        }
    }

    // ---- printf -----------------------------------------------------------------------------------------------------

    /// <summary>fmt's %[flags][width][.prec]verb of a string value.</summary>
    public static void Printf(IBufferWriter<byte> w, PrintfSpec spec, string value)
    {
        string text = value;
        if (spec.Precision >= 0 && spec.Verb is 's' or 'v' or 'q')
            text = TruncateRunes(text, spec.Precision);
        text = spec.Verb switch
        {
            'q' => GoStrconv.Quote(text),
            'x' => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text)),
            'X' => Convert.ToHexString(Encoding.UTF8.GetBytes(text)),
            _ => text,
        };
        Pad(w, spec, text);
    }

    /// <summary>fmt's %[flags][width]verb of an integer value.</summary>
    public static void Printf(IBufferWriter<byte> w, PrintfSpec spec, long value)
    {
        var digits = spec.Verb switch
        {
            'x' => Math.Abs(value).ToString("x", CultureInfo.InvariantCulture),
            'X' => Math.Abs(value).ToString("X", CultureInfo.InvariantCulture),
            _ => Math.Abs(value).ToString(CultureInfo.InvariantCulture),
        };
        if (spec.Precision > digits.Length) digits = new string('0', spec.Precision - digits.Length) + digits;
        var sign = value < 0 ? "-" : spec.Plus ? "+" : "";
        if (spec.Zero && spec.Precision < 0 && spec.Width > sign.Length + digits.Length)
            digits = new string('0', spec.Width - sign.Length - digits.Length) + digits;
        Pad(w, spec with { Zero = false }, sign + digits);
    }

    private static void Pad(IBufferWriter<byte> w, PrintfSpec spec, string text)
    {
        var runes = RuneCount(text);
        var pad = spec.Width - runes;
        if (pad > 0 && !spec.Minus) Spaces(w, pad, spec.Zero ? (byte)'0' : (byte)' ');
        Utf8(w, text);
        if (pad > 0 && spec.Minus) Spaces(w, pad);
    }

    public static int RuneCount(ReadOnlySpan<char> s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            n++;
        }
        return n;
    }

    private static string TruncateRunes(string s, int runes)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (n == runes) return s[..i];
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            n++;
        }
        return s;
    }
}
