using System.Text;

namespace Cuttle.Gateway.Http;

/// <summary>Go's net/url query encoding (url.Values.Encode: keys sorted, QueryEscape), as KrakenD builds backend URLs.</summary>
public static class GoUrl
{
    public static void AppendQueryEscaped(StringBuilder sb, string s)
    {
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else if (c == ' ') sb.Append('+');
            else sb.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
        }
    }
}
