using System.Collections.Frozen;
using System.Globalization;
using Cuttle.Config.Model;
using Cuttle.Go;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Security.Cors;

/// <summary>
/// security/cors: rs/cors (v1.11, what krakend-cors v2 wraps around the whole server) compiled once. A preflight
/// (OPTIONS with a non-empty Access-Control-Request-Method) is answered here with options_success_status (204) and
/// never reaches the router; any other request gets Vary: Origin and, when the origin and method are allowed,
/// Access-Control-Allow-Origin / -Expose-Headers / -Allow-Credentials before the router writes the response.
/// </summary>
internal sealed class CorsPolicy : IServiceFilter
{
    private static readonly StringValues Wildcard = "*";
    private static readonly StringValues True = "true";
    private static readonly StringValues VaryOrigin = "Origin";

    private readonly bool _allOrigins;
    private readonly FrozenSet<string> _origins;
    private readonly (string Prefix, string Suffix)[] _wildcardOrigins;
    private readonly string[] _methods;
    private readonly bool _allHeaders;
    private readonly FrozenDictionary<string, int> _headerRank;
    private readonly int _maxHeaderLength;
    private readonly StringValues _exposed;
    private readonly bool _credentials;
    private readonly bool _privateNetwork;
    private readonly bool _passthrough;
    private readonly int _successStatus;
    private readonly StringValues _maxAge;
    private readonly StringValues _preflightVary;

    public CorsPolicy(CorsOptions options)
    {
        // rs/cors New: origins are compared lower-cased; "*" anywhere allows all; one '*' inside is a prefix/suffix wildcard.
        var exact = new List<string>();
        var wildcards = new List<(string, string)>();
        foreach (var raw in options.AllowOrigins)
        {
            var origin = raw.ToLowerInvariant();
            if (origin == "*") { _allOrigins = true; break; }
            var star = origin.IndexOf('*', StringComparison.Ordinal);
            if (star >= 0) wildcards.Add((origin[..star], origin[(star + 1)..]));
            else exact.Add(origin);
        }
        _origins = exact.ToFrozenSet(StringComparer.Ordinal);
        _wildcardOrigins = [.. wildcards];

        // rs/cors: no allowed methods configured means GET, POST and HEAD; configured ones are upper-cased.
        _methods = options.AllowMethods.IsDefaultOrEmpty
            ? ["GET", "POST", "HEAD"]
            : [.. options.AllowMethods.Select(m => m.ToUpperInvariant())];

        // rs/cors keeps allowed headers as a sorted set of lower-case names; "*" allows any.
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var h in options.AllowHeaders)
        {
            if (h == "*") { _allHeaders = true; names.Clear(); break; }
            names.Add(h.ToLowerInvariant());
        }
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            rank[n] = rank.Count;
            _maxHeaderLength = Math.Max(_maxHeaderLength, n.Length);
        }
        _headerRank = rank.ToFrozenDictionary(StringComparer.Ordinal);

        _exposed = options.ExposeHeaders.IsDefaultOrEmpty
            ? StringValues.Empty
            : new StringValues(string.Join(", ", options.ExposeHeaders.Select(HeaderKey.Canonicalize)));
        _credentials = options.AllowCredentials;
        _privateNetwork = options.AllowPrivateNetwork;
        _passthrough = options.OptionsPassthrough;
        _successStatus = options.OptionsSuccessStatus;
        var seconds = (long)options.MaxAge.TotalSeconds;
        _maxAge = seconds > 0 ? seconds.ToString(CultureInfo.InvariantCulture) : StringValues.Empty;
        _preflightVary = _privateNetwork
            ? "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
            : "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    }

    public Task? Intercept(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsOptions(request.Method) && First(request.Headers, "Access-Control-Request-Method").Length > 0)
        {
            Preflight(request, context.Response.Headers);
            if (_passthrough) return null;
            context.Response.StatusCode = _successStatus;
            return Task.CompletedTask;
        }
        Actual(request, context.Response.Headers);
        return null;
    }

    private void Preflight(HttpRequest request, IHeaderDictionary headers)
    {
        headers.Append("Vary", _preflightVary);
        var origin = First(request.Headers, "Origin");
        if (origin.Length == 0 || !IsOriginAllowed(origin)) return;
        if (!IsMethodAllowed(First(request.Headers, "Access-Control-Request-Method"))) return;
        var requested = request.Headers["Access-Control-Request-Headers"];
        if (!_allHeaders && !AcceptsHeaders(requested)) return;

        headers["Access-Control-Allow-Origin"] = _allOrigins ? Wildcard : request.Headers["Origin"];
        // rs/cors echoes the request's method and header list rather than the configured ones (the spec allows it).
        headers["Access-Control-Allow-Methods"] = request.Headers["Access-Control-Request-Method"];
        if (requested.Count > 0 && !string.IsNullOrEmpty(requested[0])) headers["Access-Control-Allow-Headers"] = requested;
        if (_credentials) headers["Access-Control-Allow-Credentials"] = True;
        if (_privateNetwork && First(request.Headers, "Access-Control-Request-Private-Network") == "true")
            headers["Access-Control-Allow-Private-Network"] = True;
        if (_maxAge.Count > 0) headers["Access-Control-Max-Age"] = _maxAge;
    }

    private void Actual(HttpRequest request, IHeaderDictionary headers)
    {
        // rs/cors sets Vary: Origin on every response, whether or not the request carried an Origin (rs/cors#10).
        headers.Append("Vary", VaryOrigin);
        var origin = First(request.Headers, "Origin");
        if (origin.Length == 0 || !IsOriginAllowed(origin)) return;
        if (!IsMethodAllowed(request.Method)) return;
        headers["Access-Control-Allow-Origin"] = _allOrigins ? Wildcard : request.Headers["Origin"];
        if (_exposed.Count > 0) headers["Access-Control-Expose-Headers"] = _exposed;
        if (_credentials) headers["Access-Control-Allow-Credentials"] = True;
    }

    private bool IsOriginAllowed(string origin)
    {
        if (_allOrigins) return true;
        origin = origin.ToLowerInvariant();
        if (_origins.Contains(origin)) return true;
        foreach (var (prefix, suffix) in _wildcardOrigins)
        {
            if (origin.Length >= prefix.Length + suffix.Length
                && origin.StartsWith(prefix, StringComparison.Ordinal) && origin.EndsWith(suffix, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private bool IsMethodAllowed(string method)
    {
        if (method == "OPTIONS") return true; // rs/cors always allows preflight requests themselves
        foreach (var m in _methods) if (m == method) return true;
        return false;
    }

    /// <summary>
    /// rs/cors SortedSet.Accepts: the Fetch standard sends Access-Control-Request-Headers lower-cased, sorted and
    /// unique, so each name must be allowed and come strictly after the previous one; at most one space or tab
    /// around a name and at most 16 empty elements are tolerated.
    /// </summary>
    private bool AcceptsHeaders(StringValues values)
    {
        const int maxEmpty = 16;
        var last = -1;
        var empty = 0;
        foreach (var value in values)
        {
            if (value is null) continue;
            var rest = value.AsSpan();
            while (true)
            {
                var comma = rest.IndexOf(',');
                var name = comma >= 0 ? rest[..comma] : rest;
                rest = comma >= 0 ? rest[(comma + 1)..] : [];
                if (!TrimOws(ref name) || name.Length > _maxHeaderLength + 2) return false;
                if (name.IsEmpty)
                {
                    if (++empty > maxEmpty) return false;
                }
                else
                {
                    if (!_headerRank.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var pos) || pos <= last) return false;
                    last = pos;
                }
                if (comma < 0) break;
            }
        }
        return true;
    }

    private static bool TrimOws(ref ReadOnlySpan<char> name)
    {
        if (name.Length > 0 && name[0] is ' ' or '\t') name = name[1..];
        if (name.Length > 0 && name[0] is ' ' or '\t') return false;
        if (name.Length > 0 && name[^1] is ' ' or '\t') name = name[..^1];
        if (name.Length > 0 && name[^1] is ' ' or '\t') return false;
        return true;
    }

    /// <summary>Go's Header.Get: the first value, or "".</summary>
    private static string First(IHeaderDictionary headers, string name)
        => headers.TryGetValue(name, out var v) && v.Count > 0 ? v[0] ?? "" : "";
}
