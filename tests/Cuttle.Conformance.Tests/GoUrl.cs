using System.Text;

namespace Cuttle.Conformance.Tests;

/// <summary>The parts of Go's <c>net/url</c> the mock backend needs: <c>ParseQuery</c>, path unescaping and <c>path.Clean</c>.</summary>
internal static class GoUrl
{
    /// <summary><c>url.ParseQuery</c>: pairs split on '&amp;', pairs with ';' or bad escapes dropped, '+' is a space.</summary>
    public static Dictionary<string, List<string>> ParseQuery(string rawQuery)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in rawQuery.Split('&'))
        {
            if (pair.Length == 0 || pair.Contains(';'))
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var rawKey = eq >= 0 ? pair[..eq] : pair;
            var rawValue = eq >= 0 ? pair[(eq + 1)..] : string.Empty;
            if (Unescape(rawKey, plusIsSpace: true) is not { } key || Unescape(rawValue, plusIsSpace: true) is not { } value)
            {
                continue;
            }

            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.Add(value);
        }

        return result;
    }

    /// <summary>Percent-decodes like Go's <c>unescape</c>; null when an escape is malformed.</summary>
    public static string? Unescape(string s, bool plusIsSpace)
    {
        if (s.IndexOf('%') < 0 && (!plusIsSpace || s.IndexOf('+') < 0))
        {
            return s;
        }

        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !Uri.IsHexDigit(s[i + 1]) || !Uri.IsHexDigit(s[i + 2]))
                {
                    return null;
                }

                bytes.Add((byte)((Uri.FromHex(s[i + 1]) << 4) | Uri.FromHex(s[i + 2])));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>
    /// ServeMux's <c>cleanPath</c>: <c>path.Clean</c> of a rooted path, keeping a trailing slash.
    /// A request whose path changes here is redirected (301) by Go's mux before any handler runs.
    /// </summary>
    public static string CleanPath(string p)
    {
        if (p.Length == 0)
        {
            return "/";
        }

        if (p[0] != '/')
        {
            p = "/" + p;
        }

        var stack = new List<string>();
        foreach (var segment in p.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }

                continue;
            }

            stack.Add(segment);
        }

        var cleaned = "/" + string.Join('/', stack);
        if (p[^1] == '/' && cleaned != "/")
        {
            cleaned += "/";
        }

        return cleaned;
    }

    /// <summary>Go's <c>html.EscapeString</c> subset used by <c>http.Redirect</c>.</summary>
    public static string HtmlEscape(string s) =>
        s.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&#34;", StringComparison.Ordinal)
            .Replace("'", "&#39;", StringComparison.Ordinal);
}
