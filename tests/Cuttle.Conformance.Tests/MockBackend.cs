using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// The backend KrakenD CE's integration runner mocks (krakend-ce <c>tests/integration.go</c>, a Go <c>http.ServeMux</c>),
/// rebuilt on Kestrel so that everything a client can see matches Go: routes, JSON bytes, headers, error texts,
/// ServeMux's 301 redirects and its <c>404 page not found</c>.
/// </summary>
internal sealed class MockBackend : IAsyncDisposable
{
    // The Go mux routes, longest subtree first does not matter: these never overlap.
    private static readonly string[] Subtrees = ["/param_forwarding/", "/collection/", "/delayed/", "/redirect/"];

    private const string XmlBody = """
        <?xml version="1.0" encoding="UTF-8"?>
        <user type="admin">
          <name>Elliot</name>
          <social>
            <facebook>https://facebook.com</facebook>
            <twitter>https://twitter.com</twitter>
            <youtube>https://youtube.com</youtube>
          </social>
        </user>
        """;

    private const string JwkBody = """
        {
          "keys": [
            {
              "kty": "oct",
              "alg": "A128KW",
              "k": "GawgguFyGrWKav7AX4VKUg",
              "kid": "sim1"
            },
            {
              "kty": "oct",
              "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
              "kid": "sim2",
              "alg": "HS256"
            }
          ]
        }
        """;

    // Go's http.Server sends Content-Length when the handler's whole output fits its 2 KiB write buffer, else chunks.
    private const int GoBufferBeforeChunking = 2048;

    private readonly WebApplication _app;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;

    private MockBackend(WebApplication app, TimeSpan delay, TimeProvider time)
    {
        _app = app;
        _delay = delay;
        _time = time;
    }

    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Starts the mock on 127.0.0.1 with an ephemeral port; <paramref name="delay"/> is the runner's <c>krakend_delay</c> (200 ms).</summary>
    public static async Task<MockBackend> StartAsync(TimeSpan? delay = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var mock = new MockBackend(app, delay ?? TimeSpan.FromMilliseconds(200), time ?? TimeProvider.System);
        app.Run(mock.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        mock.Port = new Uri(address).Port;
        return mock;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var (path, rawQuery) = SplitTarget(context);
        if (path is null)
        {
            // Go's server rejects a request-target it cannot parse before any handler sees it.
            await WriteAsync(context, 400, "text/plain; charset=utf-8", "400 Bad Request"u8.ToArray()).ConfigureAwait(false);
            return;
        }

        // ServeMux: an unclean path (//, /./, /../) is redirected to its cleaned form first.
        var cleaned = GoUrl.CleanPath(path);
        if (cleaned != path && !HttpMethods.IsConnect(context.Request.Method))
        {
            await RedirectAsync(context, path, cleaned + (rawQuery.Length > 0 ? "?" + rawQuery : string.Empty), 301).ConfigureAwait(false);
            return;
        }

        if (path == "/jwk/symmetric")
        {
            await WriteAsync(context, 200, "application/json", Encoding.UTF8.GetBytes(JwkBody)).ConfigureAwait(false);
            return;
        }

        string? route = path == "/xml" ? "/xml" : null;
        foreach (var subtree in Subtrees)
        {
            if (route is null && path.StartsWith(subtree, StringComparison.Ordinal))
            {
                route = subtree;
            }
        }

        if (route is null)
        {
            // ServeMux: "/collection" with a registered "/collection/" subtree → 301 to the slash form (query kept).
            foreach (var subtree in Subtrees)
            {
                if (path + "/" == subtree)
                {
                    await RedirectAsync(context, path, subtree + (rawQuery.Length > 0 ? "?" + rawQuery : string.Empty), 301).ConfigureAwait(false);
                    return;
                }
            }

            await GoErrorAsync(context, "404 page not found", 404).ConfigureAwait(false);
            return;
        }

        if (!GoIp.IsLoopback(FirstHeader(context, "X-Forwarded-For")))
        {
            await GoErrorAsync(context, "invalid X-Forwarded-For", 400).ConfigureAwait(false);
            return;
        }

        switch (route)
        {
            case "/xml":
                await WriteAsync(context, 200, "application/xml; charset=utf-8", Encoding.UTF8.GetBytes(XmlBody)).ConfigureAwait(false);
                break;
            case "/collection/":
                await CollectionAsync(context, path).ConfigureAwait(false);
                break;
            case "/delayed/":
                await Task.Delay(_delay, _time, context.RequestAborted).ConfigureAwait(false);
                await EchoAsync(context, path, rawQuery).ConfigureAwait(false);
                break;
            case "/redirect/":
                await RedirectEndpointAsync(context, path, rawQuery).ConfigureAwait(false);
                break;
            default:
                await EchoAsync(context, path, rawQuery).ConfigureAwait(false);
                break;
        }
    }

    private static async Task EchoAsync(HttpContext context, string path, string rawQuery)
    {
        var query = GoUrl.ParseQuery(rawQuery);
        var response = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["path"] = path,
            ["query"] = query,
            ["headers"] = GoRequestHeaders(context),
            ["foo"] = 42,
        };

        if (query.TryGetValue("dump_body", out var dump) && dump[0] == "1")
        {
            using var ms = new MemoryStream();
            await context.Request.Body.CopyToAsync(ms, context.RequestAborted).ConfigureAwait(false);
            response["body"] = Encoding.UTF8.GetString(ms.ToArray());
        }

        context.Response.Headers.Append("Set-Cookie", "test1=test1");
        context.Response.Headers.Append("Set-Cookie", "test2=test2");
        await WriteAsync(context, 200, "application/json", GoJson.EncodeLine(response)).ConfigureAwait(false);
    }

    private static Task CollectionAsync(HttpContext context, string path)
    {
        var items = new List<object?>(10);
        for (var i = 0; i < 10; i++)
        {
            items.Add(new Dictionary<string, object?>(StringComparer.Ordinal) { ["path"] = path, ["i"] = i });
        }

        return WriteAsync(context, 200, "application/json", GoJson.EncodeLine(items));
    }

    private static async Task RedirectEndpointAsync(HttpContext context, string path, string rawQuery)
    {
        var query = GoUrl.ParseQuery(rawQuery);
        if (!query.TryGetValue("status", out var status))
        {
            // The Go handler indexes status[0] of a missing key and panics; net/http then drops the connection.
            context.Abort();
            return;
        }

        var code = 301;
        if (status[0] != "301")
        {
            var error = GoAtoi(status[0], out code);
            if (error is not null)
            {
                await GoErrorAsync(context, error, 400).ConfigureAwait(false);
                return;
            }
        }

        if (code is < 200 or > 999)
        {
            // Go's WriteHeader panics below 100 (and 1xx is informational): the connection is dropped either way.
            context.Abort();
            return;
        }

        // u := r.URL; u.Path = "/param_forwarding/"; u.String() keeps the raw query (and a bare '?').
        var hasQuestionMark = RawTarget(context).Contains('?');
        var target = "/param_forwarding/" + (rawQuery.Length > 0 || hasQuestionMark ? "?" + rawQuery : string.Empty);
        await RedirectAsync(context, path, target, code).ConfigureAwait(false);
    }

    /// <summary>Go's <c>http.Redirect</c> for an absolute-path target: Location, and for GET a tiny HTML body.</summary>
    private static Task RedirectAsync(HttpContext context, string requestPath, string url, int code)
    {
        _ = requestPath;
        var q = url.IndexOf('?');
        var pathPart = q >= 0 ? url[..q] : url;
        var queryPart = q >= 0 ? url[q..] : string.Empty;
        var trailing = pathPart.EndsWith('/');
        pathPart = GoUrl.CleanPath(pathPart);
        if (trailing && !pathPart.EndsWith('/'))
        {
            pathPart += "/";
        }

        url = pathPart + queryPart;
        context.Response.Headers.Location = url;
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            var body = "<a href=\"" + GoUrl.HtmlEscape(url) + "\">" + GoStatusText(code) + "</a>.\n\n";
            return WriteAsync(context, code, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(body));
        }

        return WriteAsync(context, code, HttpMethods.IsHead(method) ? "text/html; charset=utf-8" : null, []);
    }

    /// <summary>Go's <c>http.Error</c>: plain text, nosniff, message plus a newline.</summary>
    private static Task GoErrorAsync(HttpContext context, string message, int code)
    {
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return WriteAsync(context, code, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"));
    }

    private static async Task WriteAsync(HttpContext context, int status, string? contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        if (contentType is not null)
        {
            context.Response.Headers.ContentType = contentType;
        }

        if (body.Length <= GoBufferBeforeChunking)
        {
            context.Response.ContentLength = body.Length;
        }

        if (body.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>r.Header</c> as a Go handler sees it: canonical keys, one value per header line, no Host, no
    /// Transfer-Encoding (Go moves it to <c>r.TransferEncoding</c>), Trailer dropped on chunked bodies,
    /// <c>Pragma: no-cache</c> implying <c>Cache-Control: no-cache</c>, and X-Forwarded-For deleted by the echo handler.
    /// </summary>
    internal static Dictionary<string, List<string>> GoRequestHeaders(HttpContext context)
    {
        var headers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var chunked = false;
        foreach (var (name, values) in context.Request.Headers)
        {
            var key = GoHeaderKey.Canonical(name);
            if (key is "Host")
            {
                continue;
            }

            if (key is "Transfer-Encoding")
            {
                chunked = true;
                continue;
            }

            if (!headers.TryGetValue(key, out var list))
            {
                headers[key] = list = [];
            }

            foreach (var v in values)
            {
                list.Add(v ?? string.Empty);
            }
        }

        if (chunked)
        {
            headers.Remove("Trailer");
        }

        if (headers.TryGetValue("Pragma", out var pragma) && pragma.Count > 0 && pragma[0] == "no-cache" && !headers.ContainsKey("Cache-Control"))
        {
            headers["Cache-Control"] = ["no-cache"];
        }

        headers.Remove("X-Forwarded-For");
        return headers;
    }

    private static string? FirstHeader(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static string RawTarget(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.Path + context.Request.QueryString).ToString();

    /// <summary>Path (percent-decoded like Go's <c>r.URL.Path</c>, so %2F is a slash) and raw query of the request target.</summary>
    private static (string? Path, string RawQuery) SplitTarget(HttpContext context)
    {
        var raw = RawTarget(context);
        var q = raw.IndexOf('?');
        var rawPath = q >= 0 ? raw[..q] : raw;
        var rawQuery = q >= 0 ? raw[(q + 1)..] : string.Empty;
        if (rawPath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || rawPath.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // Absolute-form request-target (proxy style): Go keeps only the path.
            var uri = new Uri(rawPath);
            rawPath = uri.AbsolutePath;
        }

        return (GoUrl.Unescape(rawPath, plusIsSpace: false), rawQuery);
    }

    /// <summary><c>strconv.Atoi</c> with Go's error text; null on success.</summary>
    private static string? GoAtoi(string s, out int value)
    {
        value = 0;
        var digits = s.StartsWith('+') || s.StartsWith('-') ? s[1..] : s;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return $"strconv.Atoi: parsing {GoQuote(s)}: invalid syntax";
        }

        if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return $"strconv.Atoi: parsing {GoQuote(s)}: value out of range";
        }

        value = l is > int.MaxValue or < int.MinValue ? -1 : (int)l;
        return null;
    }

    private static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < 0x20 || c == 0x7f => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    private static string GoStatusText(int code) => code switch
    {
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code),
    };
}
