using System.Globalization;
using System.Text;

namespace Cuttle.Go;

/// <summary>Go's strconv, the part Cuttle repeats in Go's own words (error messages, template output).</summary>
public static class GoStrconv
{
    /// <summary>
    /// strconv.Quote (and fmt's %q of a string): backslash escapes for '"', '\', \a \b \f \n \r \t \v, \xNN for the
    /// other C0 controls and DEL, \uNNNN for the C1 controls. Other characters Go deems unprintable (U+00AD, U+2028 …)
    /// are left as they are: those need Unicode's tables and no caller's text has needed them.
    /// </summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                case < ' ' or '\u007f': sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                case >= '\u0080' and <= '\u009f': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// strconv.ParseInt(s, 0, 64): an optional sign, then decimal, <c>0x</c> hex, <c>0o</c> or leading-<c>0</c> octal,
    /// or <c>0b</c> binary; underscores only between digits or after the base prefix (Go's underscoreOK); no spaces;
    /// the full range of a long, <c>-9223372036854775808</c> included.
    /// </summary>
    public static bool TryParseInt(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.IsEmpty)
            return false;
        var radix = 10;
        // "_" must follow a digit or the base prefix (the leading 0 of an octal number is a digit) and precede a digit.
        var lastWasDigit = false;
        if (s.Length > 1 && s[0] == '0')
        {
            lastWasDigit = true;
            var prefixed = s[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B';
            radix = s[1] switch
            {
                'x' or 'X' => 16,
                'b' or 'B' => 2,
                _ => 8,
            };
            s = prefixed ? s[2..] : s[1..];
            if (s.IsEmpty)
                return false;
        }
        ulong acc = 0;
        var sawUnderscore = false;
        foreach (var c in s)
        {
            if (c == '_')
            {
                if (!lastWasDigit)
                    return false;
                sawUnderscore = true;
                lastWasDigit = false;
                continue;
            }
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
                return false;
            lastWasDigit = true;
            acc = (acc * (ulong)radix) + (ulong)digit;
            if (acc > (ulong)long.MaxValue + 1)
                return false;
        }
        if (sawUnderscore && !lastWasDigit)
            return false;
        if (!negative && acc > long.MaxValue)
            return false;
        value = negative ? (long)(0 - acc) : (long)acc;
        return true;
    }
}
