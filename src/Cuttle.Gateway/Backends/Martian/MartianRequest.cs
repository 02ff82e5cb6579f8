using System.Text;
using Cuttle.Gateway.Data;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Backends.Martian;

/// <summary>
/// The backend request as martian's request modifiers see it (Go's *http.Request): the URL in parts, the headers
/// the backend would receive (input_headers already applied, as lura filters before the backend factory), the body
/// when a modifier replaced it, and krakend-martian's skip-round-trip flag. One per call of a backend with modifiers.
/// </summary>
internal sealed class MartianRequest
{
    public MartianRequest(ProxyRequest source, string url, HashSet<string>? headerFilter)
    {
        Source = source;
        Headers = new List<KeyValuePair<string, StringValues>>(source.Headers.Count + 2);
        foreach (var h in source.Headers)
        {
            if (headerFilter is null || headerFilter.Contains(h.Key)) Headers.Add(h);
        }
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        Scheme = schemeEnd < 0 ? "" : url[..schemeEnd];
        var pathStart = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (pathStart < 0) pathStart = url.Length;
        // Go keeps user info apart from URL.Host, so url.Modifier's host replaces the host and port only.
        var at = url.LastIndexOf('@', pathStart - 1, pathStart - authorityStart);
        User = at < 0 ? "" : url[authorityStart..(at + 1)];
        Host = url[(at < 0 ? authorityStart : at + 1)..pathStart];
        var fragment = url.IndexOf('#', pathStart);
        var end = fragment < 0 ? url.Length : fragment;
        Fragment = fragment < 0 ? "" : url[(fragment + 1)..];
        var query = url.IndexOf('?', pathStart, end - pathStart);
        EscapedPath = url[pathStart..(query < 0 ? end : query)];
        RawQuery = query < 0 ? "" : url[(query + 1)..end];
        ForceQuery = query >= 0 && RawQuery.Length == 0;
    }

    public ProxyRequest Source { get; }

    public string Scheme { get; set; }

    public string Host { get; set; }

    /// <summary>"user:password@" when the URL has user info, else "".</summary>
    public string User { get; }

    public string EscapedPath { get; set; }

    public string RawQuery { get; set; }

    public bool ForceQuery { get; set; }

    public string Fragment { get; }

    public List<KeyValuePair<string, StringValues>> Headers { get; }

    /// <summary>The body a body.Modifier set; null keeps the client's.</summary>
    public byte[]? Body { get; set; }

    /// <summary>krakend-martian's Context.SkipRoundTrip (static.Modifier): the backend is not called.</summary>
    public bool SkipRoundTrip { get; set; }

    /// <summary>Go's URL.String().</summary>
    public string Url
    {
        get
        {
            var sb = new StringBuilder(Scheme.Length + User.Length + Host.Length + EscapedPath.Length + RawQuery.Length + 8);
            if (Scheme.Length > 0) sb.Append(Scheme).Append("://");
            sb.Append(User).Append(Host);
            if (EscapedPath.Length > 0 && EscapedPath[0] != '/' && Host.Length > 0) sb.Append('/');
            sb.Append(EscapedPath);
            if (RawQuery.Length > 0 || ForceQuery) sb.Append('?').Append(RawQuery);
            if (Fragment.Length > 0) sb.Append('#').Append(Fragment);
            return sb.ToString();
        }
    }

    /// <summary>The decoded path (Go's URL.Path).</summary>
    public string Path => EscapedPath.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(EscapedPath) : EscapedPath;

    /// <summary>The request to send: these headers (no further filtering), and the replaced body with its length.</summary>
    public ProxyRequest ToProxyRequest() => new()
    {
        Method = Source.Method,
        Params = Source.Params,
        Headers = Headers,
        Query = Source.Query,
        Body = Body is null ? Source.Body : null,
        BufferedBody = Body ?? Source.BufferedBody,
        ForwardedContentLength = Body is null ? Source.ForwardedContentLength : Body.Length,
        SequentialParams = Source.SequentialParams,
        Scope = Source.Scope,
        HeadersFiltered = true,
    };

    public string? Get(string name) => MartianHeaders.Get(Headers, name);
}

/// <summary>Go's http.Header operations over the header list both transports send from.</summary>
internal static class MartianHeaders
{
    public static string? Get(List<KeyValuePair<string, StringValues>> headers, string name)
    {
        foreach (var (k, v) in headers)
        {
            if (k.Equals(name, StringComparison.OrdinalIgnoreCase)) return v.Count == 0 ? "" : v[0] ?? "";
        }
        return null;
    }

    public static bool Any(List<KeyValuePair<string, StringValues>> headers, string name, string value)
    {
        foreach (var (k, v) in headers)
        {
            if (!k.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var s in v)
            {
                if (s == value) return true;
            }
        }
        return false;
    }

    public static void Set(List<KeyValuePair<string, StringValues>> headers, string name, string value)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (!headers[i].Key.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            headers[i] = new(name, value);
            for (var j = headers.Count - 1; j > i; j--)
            {
                if (headers[j].Key.Equals(name, StringComparison.OrdinalIgnoreCase)) headers.RemoveAt(j);
            }
            return;
        }
        headers.Add(new(name, value));
    }

    public static void Add(List<KeyValuePair<string, StringValues>> headers, string name, string value)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (!headers[i].Key.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            headers[i] = new(headers[i].Key, StringValues.Concat(headers[i].Value, value));
            return;
        }
        headers.Add(new(name, value));
    }

    public static void Delete(List<KeyValuePair<string, StringValues>> headers, string name)
    {
        for (var i = headers.Count - 1; i >= 0; i--)
        {
            if (headers[i].Key.Equals(name, StringComparison.OrdinalIgnoreCase)) headers.RemoveAt(i);
        }
    }
}
