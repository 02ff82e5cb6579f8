using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// auth/validator through the real host, with RS256 tokens signed here and the JWK set served by a local Kestrel:
/// each refusal is one krakend-jose / go-jose makes and each acceptance one it grants.
/// </summary>
public sealed class JwtValidationTests
{
    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static string Sign(RSA key, string header, string claims)
    {
        var input = B64(Encoding.UTF8.GetBytes(header)) + "." + B64(Encoding.UTF8.GetBytes(claims));
        return input + "." + B64(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Validator_refuses_what_krakend_jose_refuses_and_reads_header_then_cookie()
    {
        using var rsa = RSA.Create(2048);
        var pub = rsa.ExportParameters(false);
        var jwks = $$"""{"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "n": "{{B64(pub.Modulus!)}}", "e": "{{B64(pub.Exponent!)}}"}]}""";
        await using var idp = await FakeBackend.JsonAsync(jwks);
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [ { "endpoint": "/private",
                "extra_config": { "auth/validator": { "alg": "RS256", "jwk_url": "{{idp.Url}}/jwk", "disable_jwk_security": true,
                  "audience": ["api", "billing"], "issuer": "https://idp.example", "roles": ["admin"], "cookie_key": "session" } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Token(string aud = "[\"billing\", \"api\"]", string roles = "\"user admin\"", long? iat = null, long? exp = null,
            string header = """{"alg":"RS256","kid":"k1"}""")
            => Sign(rsa, header, $$"""{"iss": "https://idp.example", "sub": "u1", "aud": {{aud}}, "roles": {{roles}}, "iat": {{iat ?? now}}, "exp": {{exp ?? now + 300}}}""");

        async Task<HttpStatusCode> Get(string? authorization, string? cookie = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/private");
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            if (cookie is not null) request.Headers.TryAddWithoutValidation("Cookie", cookie);
            using var response = await gw.Client.SendAsync(request);
            return response.StatusCode;
        }

        // Roles as a space-separated string, both audiences, issued now: accepted.
        Assert.Equal(HttpStatusCode.OK, await Get("Bearer " + Token()));
        // go-jose Expected.Audience: every configured audience must be in aud.
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("Bearer " + Token(aud: "\"api\"")));
        // go-jose ErrIssuedInTheFuture, beyond the one-second leeway.
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("Bearer " + Token(iat: now + 120)));
        // krakend-jose's leeway is one second, not go-jose's DefaultLeeway minute.
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("Bearer " + Token(exp: now - 30)));
        // The key is looked up by kid: a missing or unknown kid finds none, though k1 would verify the signature.
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("Bearer " + Token(header: """{"alg":"RS256"}""")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("Bearer " + Token(header: """{"alg":"RS256","kid":"k2"}""")));
        // A string that is not a role of the list is still 403.
        Assert.Equal(HttpStatusCode.Forbidden, await Get("Bearer " + Token(roles: "\"user administrator\"")));
        // The header comes first and needs no "Bearer " prefix; the cookie is read only when the header is absent.
        Assert.Equal(HttpStatusCode.OK, await Get(Token()));
        Assert.Equal(HttpStatusCode.OK, await Get(null, "session=" + Token()));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("Bearer not.a.token", "session=" + Token()));
        Assert.Equal(3, backend.Requests.Count);
    }
}
