using Cuttle.Config.Model;
using Cuttle.Gateway.Data;
using Cuttle.Go;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Endpoints;

/// <summary>
/// Builds the proxy request from the client's request per KrakenD's zero-trust forwarding (lura router/gin
/// endpoint.go NewRequest): only input_headers (default Content-Type) and input_query_strings pass; X-Forwarded-For,
/// X-Forwarded-Host and KrakenD's User-Agent are set. Everything that depends only on config is decided here once.
/// </summary>
internal sealed class RequestFactory
{
    public const string UserAgent = "KrakenD Version " + GatewayVersion.KrakenDCompatible;

    private readonly bool _allHeaders;
    private readonly string[] _headers;
    private readonly bool _allQuery;
    private readonly string[] _query;
    private readonly bool _forwardsUserAgent;
    private readonly bool _forwardsContentLength;
    private readonly string _method;
    private readonly string[] _claimKeys;

    // Hop-by-hop headers and Host never travel to a backend, even with input_headers ["*"] (Go's server drops them).
    private static readonly HashSet<string> NotForwarded = new(HopByHop.Names, StringComparer.OrdinalIgnoreCase)
    {
        "Host", "X-Forwarded-For", "X-Forwarded-Host",
    };

    private readonly GinClientIp _clientIp;

    public RequestFactory(EndpointConfig endpoint, RouterOptions? router = null)
    {
        _clientIp = GinClientIp.For(router ?? RouterOptions.Default);
        _method = endpoint.Method;
        _allHeaders = endpoint.InputHeaders.Contains("*");
        // An empty input_headers forwards only Content-Type (lura server.HeadersToSend default).
        _headers = endpoint.InputHeaders.IsDefaultOrEmpty ? ["Content-Type"] : [.. endpoint.InputHeaders];
        _allQuery = endpoint.InputQueryStrings.Contains("*");
        var query = endpoint.InputQueryStrings.IsDefaultOrEmpty ? [] : endpoint.InputQueryStrings.ToArray();
        Array.Sort(query, StringComparer.Ordinal);
        _query = query;
        _forwardsUserAgent = _allHeaders || Contains(_headers, "User-Agent");
        _forwardsContentLength = _allHeaders || Contains(_headers, "Content-Length");
        _claimKeys = JwtParams.Keys(JwtParams.ClaimNames(endpoint));
    }

    /// <summary>How many of a handler's params are {JWT.claim} values auth/validator appended after the route's.</summary>
    public int ClaimCount => _claimKeys.Length;

    private static bool Contains(string[] names, string name)
    {
        foreach (var n in names) if (n.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public ProxyRequest Create(HttpContext context, string[] parameters, RequestScope scope)
    {
        var request = context.Request;
        var headers = new List<KeyValuePair<string, StringValues>>(_allHeaders ? request.Headers.Count + 3 : _headers.Length + 3);
        if (_allHeaders)
        {
            foreach (var (name, values) in request.Headers)
            {
                if (NotForwarded.Contains(name)) continue;
                headers.Add(new(HeaderKey.Canonicalize(name), values));
            }
        }
        else
        {
            foreach (var name in _headers)
            {
                if (NotForwarded.Contains(name)) continue;
                if (request.Headers.TryGetValue(name, out var values)) headers.Add(new(name, values));
            }
        }
        headers.Add(new("X-Forwarded-For", _clientIp.ClientIp(context)));
        headers.Add(new("X-Forwarded-Host", request.Host.Value ?? ""));
        if (_forwardsUserAgent && request.Headers.ContainsKey("User-Agent")) headers.Add(new("X-Forwarded-Via", UserAgent));
        else
        {
            RemoveHeader(headers, "User-Agent");
            headers.Add(new("User-Agent", UserAgent));
        }

        var query = ForwardedQuery(request.QueryString.Value);

        long? contentLength = _forwardsContentLength ? request.ContentLength : null;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.ContainsKey("Transfer-Encoding"));
        var proxyRequest = new ProxyRequest
        {
            Method = _method,
            Params = parameters,
            Headers = headers,
            Query = query,
            Body = hasBody ? request.Body : null,
            ForwardedContentLength = contentLength,
            Scope = scope,
            Trace = context.Features.Get<RequestTrace>(),
        };
        JwtParams.CopyTo(parameters, _claimKeys, proxyRequest);
        return proxyRequest;
    }

    /// <summary>
    /// The client's query parameters input_query_strings lets through, grouped by name and sorted by it (Go's
    /// url.Values.Encode). Names are matched and grouped exactly, case-sensitively, as lura does (Go's url.Values is a
    /// map keyed by the decoded name): ?PAGE=2 does not pass an allow-list of "page", and ?a=1&amp;A=2 are two
    /// parameters. ASP.NET Core's request.Query is case-insensitive, so the raw query string is walked instead; it
    /// allocates only the list, the values, and (with "*") each name that appears.
    /// </summary>
    private List<KeyValuePair<string, StringValues>> ForwardedQuery(string? raw)
    {
        var query = new List<KeyValuePair<string, StringValues>>(_allQuery ? 4 : _query.Length);
        if (string.IsNullOrEmpty(raw) || (!_allQuery && _query.Length == 0)) return query;
        foreach (var pair in new QueryStringEnumerable(raw))
        {
            var name = pair.DecodeName().Span;
            var at = IndexOf(query, name);
            string key;
            if (at >= 0) key = query[at].Key;
            else if (_allQuery) key = name.ToString();
            else if ((key = Allowed(name)!) is null) continue;
            var value = pair.DecodeValue().ToString();
            if (at >= 0) query[at] = new(key, StringValues.Concat(query[at].Value, value));
            else query.Add(new(key, value));
        }
        if (query.Count > 1) query.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return query;
    }

    private string? Allowed(ReadOnlySpan<char> name)
    {
        foreach (var allowed in _query) if (name.SequenceEqual(allowed)) return allowed;
        return null;
    }

    private static int IndexOf(List<KeyValuePair<string, StringValues>> query, ReadOnlySpan<char> name)
    {
        for (var i = 0; i < query.Count; i++) if (name.SequenceEqual(query[i].Key)) return i;
        return -1;
    }

    private static void RemoveHeader(List<KeyValuePair<string, StringValues>> headers, string name)
    {
        for (var i = headers.Count - 1; i >= 0; i--)
            if (headers[i].Key.Equals(name, StringComparison.OrdinalIgnoreCase)) headers.RemoveAt(i);
    }
}
