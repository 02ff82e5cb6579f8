using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cuttle.Config;
using Cuttle.Config.Model;
using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Backends.Martian;

/// <summary>
/// A backend's modifier/martian block compiled once per generation: one step tree for the request phase and one for
/// the response phase, each holding only what acts in that phase (regexes compiled, base64 decoded, cookies
/// formatted, paths escaped here). Immutable; the per-call state is in <see cref="MartianRequest"/> and
/// <see cref="MartianResponse"/>.
/// </summary>
internal sealed class MartianPlan
{
    private readonly MartianStep? _request;
    private readonly MartianStep? _response;

    private MartianPlan(MartianStep? request, MartianStep? response)
    {
        _request = request;
        _response = response;
    }

    public static readonly ImmutableArray<string> Namespaces = ["modifier/martian"];

    /// <summary>The backend's plan; null without the namespace (or when nothing acts in either phase).</summary>
    public static MartianPlan? For(BackendConfig backend)
    {
        if (backend.Martian is not { } options) return null;
        var request = Compile(options.Root, MartianScope.Request);
        var response = Compile(options.Root, MartianScope.Response);
        return request is null && response is null ? null : new MartianPlan(request, response);
    }

    public bool HasResponsePhase => _response is not null;

    /// <summary>Runs the request phase on a copy of the request; the error is martian's (the backend call then fails).</summary>
    public MartianRequest ModifyRequest(ProxyRequest request, string url, HashSet<string>? headerFilter, out string? error)
    {
        var state = new MartianRequest(request, url, headerFilter);
        error = _request?.Request(state);
        return state;
    }

    /// <summary>Runs the response phase; <paramref name="inner"/> is null when the round trip was skipped.</summary>
    public BackendResponse ModifyResponse(BackendResponse? inner, MartianRequest request, out string? error)
    {
        var state = new MartianResponse(inner, request);
        error = _response?.Response(state);
        return state.ToBackendResponse();
    }

    private static MartianStep? Compile(MartianModifier? modifier, MartianScope phase)
    {
        if (modifier is null || (modifier.Scope & phase) == 0) return null;
        switch (modifier)
        {
            case MartianGroup g:
            {
                var steps = new List<MartianStep>(g.Modifiers.Length);
                foreach (var m in g.Modifiers)
                {
                    if (Compile(m, phase) is { } step) steps.Add(step);
                }
                return steps.Count == 0 ? null : new GroupStep([.. steps], g.AggregateErrors);
            }
            case MartianHeader h: return new HeaderStep(h.Name, h.Value, h.Append);
            case MartianHeaderCopy c: return new HeaderCopyStep(c.From, c.To);
            case MartianHeaderBlacklist b: return new BlacklistStep([.. b.Names]);
            case MartianHeaderId id: return new HeaderIdStep(id.Header);
            case MartianHeaderRegexFilter r:
                return new RegexFilterStep(r.Header, new Regex(r.Regex, RegexSettings.Options), Compile(r.Modifier, phase));
            case MartianHeaderFilter f:
                var then = Compile(f.Modifier, phase);
                var otherwise = Compile(f.Else, phase);
                return then is null && otherwise is null ? null : new HeaderFilterStep(f.Name, f.Value, then, otherwise);
            case MartianQueryString q: return new QueryStringStep(q.Name, q.Value);
            case MartianUrl u: return new UrlStep(u.Scheme, u.Host, u.Path.Length == 0 ? null : EscapePath(u.Path), u.Query);
            case MartianBody body: return new BodyStep([.. body.Body], body.ContentType);
            case MartianCookie c: return new CookieStep(CookiePair(c), SetCookie(c));
            case MartianStash s: return new StashStep(s.HeaderName);
            case MartianStatic s: return new StaticStep(CleanRoot(s.RootPath), s.ExplicitPaths.ToFrozenDictionary(StringComparer.Ordinal));
            case MartianStatus s: return new StatusStep(s.StatusCode);
            default: throw new GatewayBuildException($"martian modifier {modifier.Kind} has no runtime ({modifier.Location})");
        }
    }

    /// <summary>martian's static.NewModifier keeps path.Clean(rootPath).</summary>
    private static string CleanRoot(string root) => root.Length == 0 ? "." : root.StartsWith('/') ? StaticStep.CleanRooted(root) : root;

    /// <summary>Go's URL.EscapedPath of a path set without a raw form (url.Modifier): what encodePath does not allow is %XX.</summary>
    internal static string EscapePath(string path)
    {
        var sb = new StringBuilder(path.Length);
        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '$' or '&' or '+' or ',' or '/' or ':' or ';' or '=' or '@')
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Request.AddCookie's "name=value": CR/LF in the name become '-', the value as sanitizeCookieValue leaves it.</summary>
    private static string CookiePair(MartianCookie c) => c.Name.Replace('\n', '-').Replace('\r', '-') + "=" + CookieValue(c.Value);

    private static string CookieValue(string v)
    {
        var sb = new StringBuilder(v.Length);
        foreach (var ch in v)
        {
            if (ch >= 0x20 && ch < 0x7f && ch is not ('"' or ';' or '\\')) sb.Append(ch);
        }
        var s = sb.ToString();
        if (s.Length == 0) return s;
        return s.Contains(' ', StringComparison.Ordinal) || s.Contains(',', StringComparison.Ordinal) ? "\"" + s + "\"" : s;
    }

    /// <summary>Go's Cookie.String(); "" for a name that is not a token (Go writes nothing then either).</summary>
    private static string SetCookie(MartianCookie c)
    {
        if (c.Name.Length == 0) return "";
        foreach (var ch in c.Name)
        {
            if (ch <= 0x20 || ch >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(ch, StringComparison.Ordinal)) return "";
        }
        var sb = new StringBuilder(c.Name).Append('=').Append(CookieValue(c.Value));
        if (c.Path.Length > 0)
        {
            sb.Append("; Path=");
            foreach (var ch in c.Path)
            {
                if (ch >= 0x20 && ch < 0x7f && ch != ';') sb.Append(ch);
            }
        }
        if (c.Domain.Length > 0 && ValidDomain(c.Domain)) sb.Append("; Domain=").Append(c.Domain.StartsWith('.') ? c.Domain[1..] : c.Domain);
        if (c.Expires is { } expires && expires.UtcDateTime.Year >= 1601)
            sb.Append("; Expires=").Append(expires.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture));
        if (c.MaxAge > 0) sb.Append("; Max-Age=").Append(c.MaxAge.ToString(CultureInfo.InvariantCulture));
        else if (c.MaxAge < 0) sb.Append("; Max-Age=0");
        if (c.HttpOnly) sb.Append("; HttpOnly");
        if (c.Secure) sb.Append("; Secure");
        return sb.ToString();
    }

    /// <summary>Go's isCookieDomainName (letters, digits, '-', '.' in labels of at most 63) or an IP address.</summary>
    private static bool ValidDomain(string domain)
    {
        if (System.Net.IPAddress.TryParse(domain, out _)) return true;
        var d = domain.StartsWith('.') ? domain[1..] : domain;
        if (d.Length == 0 || d.Length > 255) return false;
        var hasLetter = false;
        foreach (var label in d.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var ch in label)
            {
                if (char.IsAsciiLetter(ch) || ch == '_') hasLetter = true;
                else if (!char.IsAsciiDigit(ch) && ch != '-') return false;
            }
        }
        return hasLetter;
    }
}
