using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Cuttle.Config;
using Cuttle.Config.Model;
using Cuttle.Gateway.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Cuttle.Gateway.Security.HttpSecure;

/// <summary>
/// security/http: unrolled/secure v1.15.0's Process as krakend-httpsecure's gin middleware runs it (engine.Use, so
/// every request after CORS, 404s included). In order: the host (the first non-empty host_proxy_headers value, else
/// Host) must be one of allowed_hosts, else 500 "Bad Host" (http.Error); a plain-HTTP request with ssl_redirect is
/// answered 301 to https://(ssl_host or host)/same-target (http.Redirect); otherwise the security headers are set on
/// the response before the request goes on, so a handler that writes the same header wins, as in Go. is_development
/// turns off the host check, the redirect and Strict-Transport-Security. The headers are built once; only a CSP with
/// $NONCE costs an allocation per request.
/// </summary>
internal sealed partial class HttpSecureFilter : IServiceFilter
{
    private static readonly StringValues BadHostContentType = "text/plain; charset=utf-8";
    private static readonly StringValues Nosniff = "nosniff";
    private static readonly byte[] BadHostBody = "Bad Host\n"u8.ToArray();
    private static readonly StringValues RedirectContentType = "text/html; charset=utf-8";

    private readonly string[] _allowedHosts;
    private readonly Regex[]? _allowedRegexes;
    private readonly string[] _hostHeaders;
    private readonly KeyValuePair<string, string>[] _sslHeaders;
    private readonly bool _sslRedirect;
    private readonly string _sslHost;
    private readonly KeyValuePair<string, StringValues>[] _plainHeaders;
    private readonly KeyValuePair<string, StringValues>[] _sslResponseHeaders;
    private readonly string? _nonceCsp; // the policy with {0} where each request's nonce goes
    private readonly ILogger _logger;

    public HttpSecureFilter(HttpSecureOptions options, ILogger logger)
    {
        _logger = logger;
        var dev = options.IsDevelopment;
        _allowedHosts = dev ? [] : [.. options.AllowedHosts];
        if (options.AllowedHostsAreRegex && _allowedHosts.Length > 0)
        {
            _allowedRegexes = new Regex[_allowedHosts.Length];
            for (var i = 0; i < _allowedHosts.Length; i++)
            {
                try
                {
                    _allowedRegexes[i] = new Regex("^" + _allowedHosts[i] + "$", RegexSettings.Options);
                }
                catch (ArgumentException ex)
                {
                    throw new GatewayBuildException($"invalid security/http allowed_hosts regular expression \"{_allowedHosts[i]}\": {ex.Message}");
                }
            }
        }
        _hostHeaders = [.. options.HostProxyHeaders];
        _sslHeaders = [.. options.SslProxyHeaders];
        _sslRedirect = options.SslRedirect && !dev;
        _sslHost = options.SslHost;

        var common = new List<KeyValuePair<string, StringValues>>();
        if (options.CustomFrameOptionsValue.Length > 0) common.Add(new("X-Frame-Options", options.CustomFrameOptionsValue));
        else if (options.FrameDeny) common.Add(new("X-Frame-Options", "DENY"));
        if (options.ContentTypeNosniff) common.Add(new("X-Content-Type-Options", Nosniff));
        if (options.BrowserXssFilter) common.Add(new("X-XSS-Protection", "1; mode=block"));
        if (options.ContentSecurityPolicy.Contains("$NONCE", StringComparison.Ordinal))
            _nonceCsp = options.ContentSecurityPolicy.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)
                .Replace("$NONCE", "'nonce-{0}'", StringComparison.Ordinal);
        else if (options.ContentSecurityPolicy.Length > 0) common.Add(new("Content-Security-Policy", options.ContentSecurityPolicy));
        if (options.ReferrerPolicy.Length > 0) common.Add(new("Referrer-Policy", options.ReferrerPolicy));
        _plainHeaders = [.. common];

        // Strict-Transport-Security only over HTTPS (RFC 6797 §7.2), or always with force_sts_header.
        if (options.StsSeconds != 0 && !dev)
        {
            var sts = new KeyValuePair<string, StringValues>("Strict-Transport-Security",
                "max-age=" + options.StsSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + (options.StsIncludeSubdomains ? "; includeSubDomains" : ""));
            _sslResponseHeaders = [sts, .. common];
            if (options.ForceStsHeader) _plainHeaders = _sslResponseHeaders;
        }
        else
        {
            _sslResponseHeaders = _plainHeaders;
        }
    }

    public Task? Intercept(HttpContext context)
    {
        var request = context.Request;
        var host = Host(request);
        if (_allowedHosts.Length > 0 && !IsAllowed(host))
        {
            Log.BadHost(_logger, host);
            return BadHost(context.Response);
        }
        var ssl = IsSsl(request);
        if (_sslRedirect && !ssl) return Redirect(context, host);

        var headers = context.Response.Headers;
        foreach (var (name, value) in ssl ? _sslResponseHeaders : _plainHeaders) headers[name] = value;
        if (_nonceCsp is not null) headers["Content-Security-Policy"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, _nonceCsp, Nonce());
        return null;
    }

    private string Host(HttpRequest request)
    {
        foreach (var name in _hostHeaders)
        {
            var values = request.Headers[name];
            if (values.Count > 0 && !string.IsNullOrEmpty(values[0])) return values[0]!;
        }
        var h = request.Headers.Host;
        return h.Count > 0 ? h[0] ?? "" : "";
    }

    private bool IsAllowed(string host)
    {
        if (_allowedRegexes is not null)
        {
            foreach (var r in _allowedRegexes) if (r.IsMatch(host)) return true;
            return false;
        }
        foreach (var allowed in _allowedHosts) if (string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>unrolled/secure isSSL: a TLS connection, or one ssl_proxy_headers pair whose header's first value matches.</summary>
    private bool IsSsl(HttpRequest request)
    {
        if (request.IsHttps) return true;
        foreach (var (name, value) in _sslHeaders)
        {
            var values = request.Headers[name];
            if (string.Equals(values.Count > 0 ? values[0] ?? "" : "", value, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Go's http.Error(w, "Bad Host", 500): text, nosniff, the message and a newline; none of the security headers.</summary>
    private static Task BadHost(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status500InternalServerError;
        response.Headers.ContentType = BadHostContentType;
        response.Headers.XContentTypeOptions = Nosniff;
        response.ContentLength = BadHostBody.Length;
        return response.Body.WriteAsync(BadHostBody).AsTask();
    }

    /// <summary>
    /// Go's http.Redirect(w, r, url, 301) with r.URL made https and its host replaced: Location with non-ASCII bytes
    /// %-escaped; a GET gets a small HTML body and HEAD its Content-Type; other methods neither.
    /// </summary>
    private Task Redirect(HttpContext context, string host)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (!target.StartsWith('/'))
            target = Uri.TryCreate(target, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.Request.Path.Value + context.Request.QueryString.Value;
        var url = HexEscapeNonAscii("https://" + (_sslHost.Length > 0 ? _sslHost : host) + target);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status301MovedPermanently;
        response.Headers.Location = url;
        var method = context.Request.Method;
        if (method is "GET" or "HEAD") response.Headers.ContentType = RedirectContentType;
        if (method != "GET") return Task.CompletedTask;
        var body = Encoding.UTF8.GetBytes("<a href=\"" + HtmlEscape(url) + "\">Moved Permanently</a>.\n\n");
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private static string HexEscapeNonAscii(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var ascii = true;
        foreach (var b in bytes) if (b >= 0x80) { ascii = false; break; }
        if (ascii) return s;
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            if (b >= 0x80) sb.Append('%').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append((char)b);
        }
        return sb.ToString();
    }

    /// <summary>Go's net/http htmlReplacer.</summary>
    private static string HtmlEscape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    /// <summary>unrolled/secure cspRandNonce: 16 random bytes, standard base64.</summary>
    private static string Nonce()
    {
        Span<byte> b = stackalloc byte[16];
        RandomNumberGenerator.Fill(b);
        return Convert.ToBase64String(b);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HttpSecureBadHost, Level = LogLevel.Warning, Message = "[SERVICE: Gin][HTTPsecure] bad host name: {Host}")]
        public static partial void BadHost(ILogger logger, string host);
    }
}
