using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// An HttpClient that behaves like Go's <c>http.DefaultClient</c>, which the krakend-ce runner uses: it sends
/// <c>User-Agent: Go-http-client/1.1</c> and <c>Accept-Encoding: gzip</c> (and gunzips, dropping Content-Encoding and
/// Content-Length as Go does), adds nothing else (no traceparent, no cookies), and follows up to 10 redirects
/// the Go way: 301/302/303 switch non-GET/HEAD to GET without body, 307/308 resend method and body, each hop
/// carries the original headers plus <c>Referer</c>. Every connection goes to 127.0.0.1 whatever the URL's host,
/// so specs keep their <c>localhost</c> Host header.
/// </summary>
internal sealed class GoHttpClient : IDisposable
{
    private const string GoUserAgent = "Go-http-client/1.1";
    private const int MaxRedirects = 10;

    private readonly HttpClient _client;

    public GoHttpClient(TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip,
            UseCookies = false,
            UseProxy = false,
            ActivityHeadersPropagator = null,
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ctx.DnsEndPoint.Port), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _client = new HttpClient(handler) { Timeout = timeout };
    }

    public async Task<GoResponse> SendAsync(string method, string url, IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? body, CancellationToken ct)
    {
        var currentMethod = method;
        var currentUrl = new Uri(url);
        var currentBody = body;
        string? referer = null;
        string? hostOverride = null;
        foreach (var (k, v) in headers)
        {
            if (GoHeaderKey.Canonical(k) == "Host")
            {
                hostOverride = v;
            }
        }

        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(currentMethod), currentUrl);
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            var hasUserAgent = false;
            foreach (var (k, v) in headers)
            {
                var key = GoHeaderKey.Canonical(k);
                if (key == "Host")
                {
                    continue;
                }

                if (hop > 0 && key is "Authorization" or "Www-Authenticate" or "Cookie" or "Cookie2"
                    && !string.Equals(currentUrl.Host, new Uri(url).Host, StringComparison.OrdinalIgnoreCase))
                {
                    // Go drops credentials when a redirect leaves the original host.
                    continue;
                }

                hasUserAgent |= key == "User-Agent";
                if (key.StartsWith("Content-", StringComparison.Ordinal))
                {
                    continue; // set on the content below
                }

                request.Headers.TryAddWithoutValidation(key, v);
            }

            if (!hasUserAgent)
            {
                request.Headers.TryAddWithoutValidation("User-Agent", GoUserAgent);
            }

            if (referer is not null)
            {
                request.Headers.TryAddWithoutValidation("Referer", referer);
            }

            if (hostOverride is not null && hop == 0)
            {
                request.Headers.Host = hostOverride;
            }

            if (currentBody is not null)
            {
                request.Content = new ByteArrayContent(currentBody);
                foreach (var (k, v) in headers)
                {
                    var key = GoHeaderKey.Canonical(k);
                    if (key.StartsWith("Content-", StringComparison.Ordinal) && key != "Content-Length")
                    {
                        request.Content.Headers.TryAddWithoutValidation(key, v);
                    }
                }
            }

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location;
            var isRedirect = status is 301 or 302 or 303 or 307 or 308;
            if (!isRedirect || location is null)
            {
                return await SnapshotAsync(response, ct).ConfigureAwait(false);
            }

            if (hop + 1 >= MaxRedirects)
            {
                throw new HttpRequestException($"{GoMethodName(method)} \"{url}\": stopped after 10 redirects");
            }

            if (status is 301 or 302 or 303)
            {
                if (currentMethod is not ("GET" or "HEAD"))
                {
                    currentMethod = "GET";
                }

                currentBody = null;
            }

            // Go's refererForURL: the previous URL without user info, omitted on an https → http hop.
            referer = currentUrl.Scheme == "https" && location.IsAbsoluteUri && location.Scheme == "http"
                ? null
                : new UriBuilder(currentUrl) { UserName = string.Empty, Password = string.Empty, Fragment = string.Empty }.Uri.AbsoluteUri;
            currentUrl = location.IsAbsoluteUri ? location : new Uri(currentUrl, location);
        }
    }

    public void Dispose() => _client.Dispose();

    private static string GoMethodName(string method) =>
        method.Length == 0 ? "Get" : char.ToUpperInvariant(method[0]) + method[1..].ToLowerInvariant();

    private static async Task<GoResponse> SnapshotAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var headers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        Collect(headers, response.Headers.NonValidated);
        Collect(headers, response.Content.Headers.NonValidated);

        // Go's transport removes Transfer-Encoding (it becomes resp.TransferEncoding) and a "Connection: close".
        headers.Remove("Transfer-Encoding");
        if (headers.TryGetValue("Connection", out var connection) && connection.Exists(v => v.Contains("close", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Remove("Connection");
        }

        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return new GoResponse((int)response.StatusCode, headers, body);
    }

    private static void Collect(Dictionary<string, List<string>> into, HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            var key = GoHeaderKey.Canonical(name);
            if (!into.TryGetValue(key, out var list))
            {
                into[key] = list = [];
            }

            foreach (var v in values)
            {
                list.Add(v);
            }
        }
    }
}
