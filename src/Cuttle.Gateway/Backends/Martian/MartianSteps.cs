using System.Text;
using System.Text.RegularExpressions;
using Cuttle.Go;

namespace Cuttle.Gateway.Backends.Martian;

/// <summary>
/// One compiled martian modifier. The compiler builds a separate tree per phase holding only the steps whose scope
/// (and every enclosing one's) has that phase, so a step never checks its scope at run time. A step returns
/// martian's error message, or null.
/// </summary>
internal abstract class MartianStep
{
    public virtual string? Request(MartianRequest request) => null;

    public virtual string? Response(MartianResponse response) => null;
}

/// <summary>fifo.Group: in order; the first error stops it unless errors are aggregated (martian's MultiError).</summary>
internal sealed class GroupStep(MartianStep[] steps, bool aggregate) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        List<string>? errors = null;
        foreach (var step in steps)
        {
            if (step.Request(request) is not { } error) continue;
            if (!aggregate) return error;
            (errors ??= []).Add(error);
        }
        return errors is null ? null : string.Join('\n', errors);
    }

    public override string? Response(MartianResponse response)
    {
        List<string>? errors = null;
        foreach (var step in steps)
        {
            if (step.Response(response) is not { } error) continue;
            if (!aggregate) return error;
            (errors ??= []).Add(error);
        }
        return errors is null ? null : string.Join('\n', errors);
    }
}

/// <summary>header.Modifier (Set) and header.Append (Add).</summary>
internal sealed class HeaderStep(string name, string value, bool append) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        if (append) MartianHeaders.Add(request.Headers, name, value);
        else MartianHeaders.Set(request.Headers, name, value);
        return null;
    }

    public override string? Response(MartianResponse response)
    {
        if (append) response.Add(name, value);
        else response.Set(name, value);
        return null;
    }
}

/// <summary>header.Copy: Set(to, Get(from)).</summary>
internal sealed class HeaderCopyStep(string from, string to) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        MartianHeaders.Set(request.Headers, to, request.Get(from) ?? "");
        return null;
    }

    public override string? Response(MartianResponse response)
    {
        response.Set(to, response.Get(from) ?? "");
        return null;
    }
}

/// <summary>header.Blacklist.</summary>
internal sealed class BlacklistStep(string[] names) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        foreach (var name in names) MartianHeaders.Delete(request.Headers, name);
        return null;
    }

    public override string? Response(MartianResponse response)
    {
        foreach (var name in names) response.Delete(name);
        return null;
    }
}

/// <summary>header.Id (krakend-martian): a new UUID unless the header has a value.</summary>
internal sealed class HeaderIdStep(string header) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        if (string.IsNullOrEmpty(request.Get(header))) MartianHeaders.Set(request.Headers, header, Guid.NewGuid().ToString());
        return null;
    }
}

/// <summary>
/// header.RegexFilter: the inner step runs when the request's first value of the header is not empty and matches;
/// the response phase tests the request that was sent (martian reads res.Request.Header).
/// </summary>
internal sealed class RegexFilterStep(string header, Regex regex, MartianStep? inner) : MartianStep
{
    public override string? Request(MartianRequest request) =>
        inner is not null && request.Get(header) is { Length: > 0 } v && regex.IsMatch(v) ? inner.Request(request) : null;

    public override string? Response(MartianResponse response) =>
        inner is not null && response.Request.Get(header) is { Length: > 0 } v && regex.IsMatch(v) ? inner.Response(response) : null;
}

/// <summary>header.Filter: the inner step when one value of the header equals the value, else the else step.</summary>
internal sealed class HeaderFilterStep(string name, string value, MartianStep? then, MartianStep? otherwise) : MartianStep
{
    public override string? Request(MartianRequest request) =>
        (MartianHeaders.Any(request.Headers, name, value) ? then : otherwise)?.Request(request);

    public override string? Response(MartianResponse response) =>
        (response.Any(name, value) ? then : otherwise)?.Response(response);
}

/// <summary>querystring.Modifier: query.Set(key, value), then the whole query re-encoded sorted by key (url.Values.Encode).</summary>
internal sealed class QueryStringStep(string key, string value) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        var query = GoQuery.Parse(request.RawQuery);
        query[key] = [value];
        request.RawQuery = GoQuery.Encode(query);
        return null;
    }
}

/// <summary>url.Modifier: each non-empty part replaces the URL's.</summary>
internal sealed class UrlStep(string scheme, string host, string? escapedPath, string query) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        if (scheme.Length > 0) request.Scheme = scheme;
        if (host.Length > 0) request.Host = host;
        if (escapedPath is not null) request.EscapedPath = escapedPath;
        if (query.Length > 0) request.RawQuery = query;
        return null;
    }
}

/// <summary>body.Modifier: the body, its Content-Type, no Content-Encoding.</summary>
internal sealed class BodyStep(byte[] body, string contentType) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        MartianHeaders.Set(request.Headers, "Content-Type", contentType);
        MartianHeaders.Delete(request.Headers, "Content-Encoding");
        request.Body = body;
        return null;
    }

    public override string? Response(MartianResponse response)
    {
        response.Set("Content-Type", contentType);
        response.Delete("Content-Encoding");
        response.Body = body;
        return null;
    }
}

/// <summary>cookie.Modifier: Go's Request.AddCookie, or a Set-Cookie of Cookie.String().</summary>
internal sealed class CookieStep(string pair, string setCookie) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        var current = request.Get("Cookie");
        MartianHeaders.Set(request.Headers, "Cookie", string.IsNullOrEmpty(current) ? pair : current + "; " + pair);
        return null;
    }

    public override string? Response(MartianResponse response)
    {
        response.Add("Set-Cookie", setCookie);
        return null;
    }
}

/// <summary>stash.Modifier: the request URL into a header, then that header onto the response.</summary>
internal sealed class StashStep(string header) : MartianStep
{
    public override string? Request(MartianRequest request)
    {
        MartianHeaders.Set(request.Headers, header, request.Url);
        return null;
    }

    public override string? Response(MartianResponse response)
    {
        response.Set(header, response.Request.Get(header) ?? "");
        return null;
    }
}

/// <summary>status.Modifier.</summary>
internal sealed class StatusStep(int status) : MartianStep
{
    public override string? Response(MartianResponse response)
    {
        response.Status = status;
        return null;
    }
}

/// <summary>Go's url.ParseQuery and url.Values.Encode.</summary>
internal static class GoQuery
{
    /// <summary>Pairs Go cannot parse (a ';', a bad escape) are dropped, as ParseQuery skips them.</summary>
    public static SortedDictionary<string, List<string>> Parse(string raw)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var part in raw.Split('&'))
        {
            if (part.Length == 0 || part.Contains(';', StringComparison.Ordinal)) continue;
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (Unescape(eq < 0 ? part : part[..eq]) is not { } key || Unescape(eq < 0 ? "" : part[(eq + 1)..]) is not { } value) continue;
            if (!result.TryGetValue(key, out var values)) result[key] = values = [];
            values.Add(value);
        }
        return result;
    }

    public static string Encode(SortedDictionary<string, List<string>> query)
    {
        var sb = new StringBuilder();
        foreach (var (key, values) in query)
        {
            foreach (var v in values)
            {
                if (sb.Length > 0) sb.Append('&');
                GoUrl.AppendQueryEscaped(sb, key);
                sb.Append('=');
                GoUrl.AppendQueryEscaped(sb, v);
            }
        }
        return sb.ToString();
    }

    /// <summary>url.QueryUnescape: '+' is a space, %XX a byte; null for a malformed escape.</summary>
    private static string? Unescape(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal) && !s.Contains('+', StringComparison.Ordinal)) return s;
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+') bytes.Add((byte)' ');
            else if (c == '%')
            {
                if (i + 2 >= s.Length || !Uri.IsHexDigit(s[i + 1]) || !Uri.IsHexDigit(s[i + 2])) return null;
                bytes.Add((byte)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
