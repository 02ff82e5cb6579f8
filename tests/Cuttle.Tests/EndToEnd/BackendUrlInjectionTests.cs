using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// Values substituted into a url_pattern (decoded path params, earlier sequential answers, JWT claims) cannot inject
/// headers or smuggle a request: what Go's url.Parse refuses fails the backend call with nothing sent, the rest
/// reaches the backend as one well-formed request with the path Go's EscapedPath would send. Expected request lines
/// are worked out from Go's net/url rules. The backend is a raw socket recording the exact bytes.
/// </summary>
public sealed class BackendUrlInjectionTests
{
    private static string Config(string endpoints) => $$"""{ "version": 3, "endpoints": [ {{endpoints}} ] }""";

    /// <summary>The request heads in what the backend received (these requests have no bodies).</summary>
    private static string[] Heads(string received) => received.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);

    private static string OneRequestLine(RecordingBackend backend)
    {
        var head = Assert.Single(Heads(backend.Received));
        Assert.DoesNotContain("X-Injected", head, StringComparison.OrdinalIgnoreCase);
        return head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData("/p/a%20b", "GET /b/a%20b HTTP/1.1")]
    [InlineData("/p/caf%C3%A9", "GET /b/caf%C3%A9 HTTP/1.1")]
    // One character to escape makes Go escape the whole decoded path: the sub-delims ' ( ) become %XX too.
    [InlineData("/p/it's%20(x)", "GET /b/it%27s%20%28x%29 HTTP/1.1")]
    public async Task Path_param_reaches_the_backend_escaped_as_go_sends_it(string path, string requestLine)
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/p/{x}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/b/{x}" } ] }
            """));

        var response = await gw.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(requestLine, OneRequestLine(backend));
    }

    [Theory]
    [InlineData("/p/%0d%0aX-Injected:%201")]
    [InlineData("/p/x%20HTTP%0d%0aHost:%20a%0d%0a%0d%0aGET%20smuggled")] // no "/" in a path param: the route would not match
    [InlineData("/p/a%09b")]
    [InlineData("/p/a%7Fb")]
    public async Task Path_param_with_a_control_character_fails_the_backend_and_sends_nothing(string path)
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/p/{x}", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/b/{x}" } ] },
            { "endpoint": "/noop/{x}", "output_encoding": "no-op", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/b/{x}", "encoding": "no-op" } ] }
            """));

        var response = await gw.Client.GetAsync(path);
        var noop = await gw.Client.GetAsync("/noop" + path[2..]);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("false", MergingTests.Header(response, "X-Krakend-Completed"));
        Assert.Equal(HttpStatusCode.InternalServerError, noop.StatusCode);
        Assert.Equal("", backend.Received);
        Assert.Equal(0, backend.Connections);
    }

    [Fact]
    public async Task Sequential_value_with_crlf_and_a_smuggled_request_is_refused_and_never_sent()
    {
        var smuggle = "x HTTP/1.1\r\nHost: a\r\nX-Injected: 1\r\n\r\nGET /admin";
        await using var backend = new RecordingBackend(line => line.StartsWith("GET /first ", StringComparison.Ordinal)
            ? JsonSerializer.Serialize(new { x = smuggle }) : """{"second":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/seq", "extra_config": { "proxy": { "sequential": true } }, "backend": [
                { "host": ["{{backend.Url}}"], "url_pattern": "/first" },
                { "host": ["{{backend.Url}}"], "url_pattern": "/second/{resp0_x}" } ] }
            """));

        var response = await gw.Client.GetAsync("/seq");

        // Backend 1 fails as a backend error: the chain stops with backend 0's data, incomplete.
        Assert.Equal("false", MergingTests.Header(response, "X-Krakend-Completed"));
        Assert.DoesNotContain("\"second\"", await response.Content.ReadAsStringAsync());
        Assert.Equal("GET /first HTTP/1.1", OneRequestLine(backend));
    }

    [Fact]
    public async Task Sequential_value_with_spaces_utf8_query_and_fragment_goes_out_in_gos_form()
    {
        await using var backend = new RecordingBackend(line => line.StartsWith("GET /first ", StringComparison.Ordinal)
            ? JsonSerializer.Serialize(new { x = "a b/\u00e9?q=1 2#frag" }) : """{"second":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/seq", "extra_config": { "proxy": { "sequential": true } }, "backend": [
                { "host": ["{{backend.Url}}"], "url_pattern": "/first" },
                { "host": ["{{backend.Url}}"], "url_pattern": "/second/{resp0_x}" } ] }
            """));

        var response = await gw.Client.GetAsync("/seq");

        Assert.Equal("true", MergingTests.Header(response, "X-Krakend-Completed"));
        var heads = Heads(backend.Received);
        Assert.Equal(2, heads.Length);
        // Go: path "/second/a b/é" re-escaped; RawQuery "q=1 2" (its space encoded here, RFC 9112 §3.2); "#frag" dropped.
        Assert.StartsWith("GET /second/a%20b/%C3%A9?q=1%202 HTTP/1.1\r\n", heads[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\\\\r\\\\nX-Injected: 1", null)] // JSON \\r → Lua "\r" → CR
    [InlineData(" HTTP/1.1\\\\r\\\\nHost: a\\\\r\\\\n\\\\r\\\\nGET /admin", null)]
    [InlineData("/a b", "GET /lua/a%20b HTTP/1.1")]
    public async Task Url_set_by_a_lua_script_goes_through_the_same_check(string suffix, string? requestLine)
    {
        await using var backend = new RecordingBackend(_ => "{}");
        await using var gw = await GatewayHarness.StartAsync(Config($$"""
            { "endpoint": "/lua", "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/lua",
              "extra_config": { "modifier/lua-backend": { "pre": "local r = request.load(); r:url(r:url() .. \"{{suffix}}\")" } } } ] }
            """));

        var response = await gw.Client.GetAsync("/lua");

        if (requestLine is null)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("", backend.Received);
            Assert.Equal(0, backend.Connections);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(requestLine, OneRequestLine(backend));
        }
    }

    [Theory]
    [InlineData("u1\r\nX-Injected: 1", null)]
    [InlineData("x HTTP/1.1\r\nHost: a\r\n\r\nGET /admin", null)]
    [InlineData("a b\u00e9", "GET /user/a%20b%C3%A9 HTTP/1.1")]
    public async Task Jwt_claim_in_the_url_pattern_cannot_inject(string sub, string? requestLine)
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-jwk-").FullName;
        try
        {
            var jwk = Path.Combine(dir, "jwk.json");
            await File.WriteAllTextAsync(jwk, $$"""{"keys": [{"kty": "oct", "k": "{{Key}}", "kid": "sim2", "alg": "HS256"}]}""");
            await using var backend = new RecordingBackend(_ => "{}");
            await using var gw = await GatewayHarness.StartAsync(Config($$"""
                { "endpoint": "/me", "extra_config": { "auth/validator": { "alg": "HS256", "jwk_local_path": {{JsonSerializer.Serialize(jwk)}}, "disable_jwk_security": true } },
                  "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/user/{JWT.sub}" } ] }
                """));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token(sub));

            var response = await gw.Client.SendAsync(request);

            if (requestLine is null)
            {
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                Assert.Equal("", backend.Received);
                Assert.Equal(0, backend.Connections);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(requestLine, OneRequestLine(backend));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const string Key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    /// <summary>An HS256 token (kid sim2) with the given sub, valid until 2100.</summary>
    private static string Token(string sub)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64(Encoding.UTF8.GetBytes("""{"alg":"HS256","kid":"sim2","typ":"JWT"}"""));
        var payload = B64(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { sub, exp = 4102444800 })));
        var key = Convert.FromBase64String(Key.Replace('-', '+').Replace('_', '/') + "==");
        var signature = B64(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }
}
