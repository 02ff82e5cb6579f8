using System.Net;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// security/http (krakend-httpsecure over unrolled/secure v1.15.0) through the real host: the host check, the HTTPS
/// redirect and the security headers, on routed paths and 404s alike.
/// </summary>
public sealed class HttpSecureTests
{
    private static string Config(string backend, string secure) => $$"""
        { "version": 3, "extra_config": { "security/http": { {{secure}} } },
          "endpoints": [ { "endpoint": "/api", "backend": [ { "host": ["{{backend}}"], "url_pattern": "/" } ] } ] }
        """;

    private static async Task<HttpResponseMessage> Send(GatewayHarness gw, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (n, v) in headers) request.Headers.TryAddWithoutValidation(n, v);
        return await gw.Client.SendAsync(request);
    }

    [Fact]
    public async Task Security_headers_are_set_on_routes_and_404s_and_sts_only_over_https_or_forced()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            "frame_deny": true, "content_type_nosniff": true, "browser_xss_filter": true,
            "content_security_policy": "default-src 'self'", "referrer_policy": "same-origin",
            "sts_seconds": 31536000, "sts_include_subdomains": true, "ssl_proxy_headers": { "X-Forwarded-Proto": "https" }
            """));

        foreach (var path in new[] { "/api", "/missing" })
        {
            var r = await Send(gw, HttpMethod.Get, path);
            Assert.Equal("DENY", MergingTests.Header(r, "X-Frame-Options"));
            Assert.Equal("nosniff", MergingTests.Header(r, "X-Content-Type-Options"));
            Assert.Equal("1; mode=block", MergingTests.Header(r, "X-XSS-Protection"));
            Assert.Equal("default-src 'self'", MergingTests.Header(r, "Content-Security-Policy"));
            Assert.Equal("same-origin", MergingTests.Header(r, "Referrer-Policy"));
            // Plain HTTP: no Strict-Transport-Security (RFC 6797 §7.2).
            Assert.Null(MergingTests.Header(r, "Strict-Transport-Security"));
        }
        Assert.Equal(HttpStatusCode.OK, (await Send(gw, HttpMethod.Get, "/api")).StatusCode);

        // Behind a TLS-terminating proxy: the ssl_proxy_headers pair marks the request as HTTPS.
        var proxied = await Send(gw, HttpMethod.Get, "/api", ("X-Forwarded-Proto", "https"));
        Assert.Equal("max-age=31536000; includeSubDomains", MergingTests.Header(proxied, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task A_host_outside_allowed_hosts_is_answered_500_Bad_Host_and_proxy_headers_name_the_host()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            "allowed_hosts": ["api.example.com", "127.0.0.1:\\d+"], "allowed_hosts_are_regex": true,
            "host_proxy_headers": ["X-Forwarded-Host"], "frame_deny": true
            """));

        // The test client's Host is 127.0.0.1:port, which the second expression allows.
        Assert.Equal(HttpStatusCode.OK, (await Send(gw, HttpMethod.Get, "/api")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(gw, HttpMethod.Get, "/api", ("X-Forwarded-Host", "api.example.com"))).StatusCode);

        var bad = await Send(gw, HttpMethod.Get, "/api", ("X-Forwarded-Host", "evil.example.com"));
        Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
        Assert.Equal("Bad Host\n", await bad.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", bad.Content.Headers.ContentType?.ToString());
        Assert.Equal("nosniff", MergingTests.Header(bad, "X-Content-Type-Options"));
        Assert.Null(MergingTests.Header(bad, "X-Frame-Options"));
        // The regular expression is anchored: a suffix does not match.
        Assert.Equal(HttpStatusCode.InternalServerError, (await Send(gw, HttpMethod.Get, "/api", ("X-Forwarded-Host", "api.example.com.evil"))).StatusCode);
        Assert.Equal(2, backend.Requests.Count);
    }

    [Fact]
    public async Task Ssl_redirect_answers_plain_http_with_a_301_to_ssl_host_and_lets_https_through()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            "ssl_redirect": true, "ssl_host": "secure.example.com", "ssl_proxy_headers": { "X-Forwarded-Proto": "https" },
            "sts_seconds": 60, "force_sts_header": true
            """));

        var get = await Send(gw, HttpMethod.Get, "/api?a=1&b=%20x");
        Assert.Equal(HttpStatusCode.MovedPermanently, get.StatusCode);
        Assert.Equal("https://secure.example.com/api?a=1&b=%20x", get.Headers.Location?.OriginalString);
        Assert.Equal("<a href=\"https://secure.example.com/api?a=1&amp;b=%20x\">Moved Permanently</a>.\n\n", await get.Content.ReadAsStringAsync());
        Assert.Null(MergingTests.Header(get, "Strict-Transport-Security"));

        var post = await Send(gw, HttpMethod.Post, "/api");
        Assert.Equal(HttpStatusCode.MovedPermanently, post.StatusCode);
        Assert.Equal("", await post.Content.ReadAsStringAsync());

        var https = await Send(gw, HttpMethod.Get, "/api", ("X-Forwarded-Proto", "https"));
        Assert.Equal(HttpStatusCode.OK, https.StatusCode);
        Assert.Equal("max-age=60", MergingTests.Header(https, "Strict-Transport-Security"));
        Assert.Single(backend.Requests);
    }

    [Fact]
    public async Task Is_development_turns_off_the_host_check_and_the_redirect()
    {
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, """
            "allowed_hosts": ["api.example.com"], "ssl_redirect": true, "is_development": true, "sts_seconds": 60, "force_sts_header": true,
            "frame_deny": true
            """));
        var r = await Send(gw, HttpMethod.Get, "/api");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // The other headers are still written.
        Assert.Equal("DENY", MergingTests.Header(r, "X-Frame-Options"));
        Assert.Null(MergingTests.Header(r, "Strict-Transport-Security"));
    }
}
