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
}
