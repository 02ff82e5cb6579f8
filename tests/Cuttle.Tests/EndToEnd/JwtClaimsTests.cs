using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// auth/validator's propagate_claims and scopes, and auth/signer's full serialization, through the real host with HS256
/// keys from a local JWK file: what reaches the backend and the client is what krakend-jose sends.
/// </summary>
public sealed class JwtClaimsTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("a-secret-of-at-least-thirty-two-bytes!!");

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    internal static string Hs256(string claims, string kid = "sim")
    {
        var input = B64(Encoding.UTF8.GetBytes($$"""{"alg":"HS256","kid":"{{kid}}"}""")) + "." + B64(Encoding.UTF8.GetBytes(claims));
        return input + "." + B64(HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes(input)));
    }

    internal static string JwkFile(string dir)
    {
        var path = Path.Combine(dir, "jwk.json");
        File.WriteAllText(path, $$"""{"keys": [{"kty": "oct", "kid": "sim", "alg": "HS256", "k": "{{B64(Secret)}}"}]}""");
        return path;
    }

    private static async Task<HttpStatusCode> Get(GatewayHarness gw, string path, string token, params (string, string)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        foreach (var (n, v) in headers) request.Headers.TryAddWithoutValidation(n, v);
        using var response = await gw.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Propagated_claims_replace_the_client_headers_with_krakend_jose_text_for_every_claim_type()
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-jwt-").FullName;
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        var validator = $$"""
            "alg": "HS256", "jwk_local_path": {{JsonSerializer.Serialize(JwkFile(dir))}}, "disable_jwk_security": true,
            "propagate_claims": [["sub", "X-User"], ["org.id", "X-Org"], ["n", "X-Int"], ["f", "X-Float"], ["list", "X-List"],
                                 ["obj", "X-Obj"], ["ok", "X-Bool"], ["missing", "X-Missing"], ["http://ns.example/role", "X-Role"]]
            """;
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/flat", "extra_config": { "auth/validator": { {{validator}} } },
                "input_headers": ["X-User", "X-Org", "X-Int", "X-Float", "X-List", "X-Obj", "X-Bool", "X-Missing", "X-Role"],
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/flat" } ] },
              { "endpoint": "/arrays", "extra_config": { "auth/validator": { {{validator}}, "propagate_claims_preserve_array": true } },
                "input_headers": ["X-List"],
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/arrays" } ] },
              { "endpoint": "/filtered", "extra_config": { "auth/validator": { {{validator}} } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/filtered" } ] } ] }
            """);

        var token = Hs256("""
            {"sub": "u-1", "org": {"id": 7}, "n": 42.0, "f": 1.5, "list": ["a", 2, 1000000, true], "obj": {"b": 1, "a": "x<y"},
             "ok": true, "http://ns.example/role": "admin"}
            """);
        Assert.Equal(HttpStatusCode.OK, await Get(gw, "/flat", token, ("X-User", "forged"), ("X-Missing", "forged")));
        var seen = backend.Requests.Single(r => r.PathAndQuery == "/flat").Headers;
        Assert.Equal("u-1", seen["X-User"]);
        Assert.Equal("7", seen["X-Org"]);
        Assert.Equal("42", seen["X-Int"]);
        Assert.Equal("1.500000", seen["X-Float"]);
        Assert.Equal("a,2,1e+06,true", seen["X-List"]);
        Assert.Equal("{\"a\":\"x\\u003cy\",\"b\":1}", seen["X-Obj"]);
        Assert.Equal("true", seen["X-Bool"]);
        // A missing claim still replaces the client's header, with an empty value.
        Assert.Equal("", seen["X-Missing"]);
        Assert.Equal("admin", seen["X-Role"]);

        Assert.Equal(HttpStatusCode.OK, await Get(gw, "/arrays", token));
        Assert.Equal("a,2,1e+06,true", backend.Requests.Single(r => r.PathAndQuery == "/arrays").Headers["X-List"]);

        // The headers travel like any client header: without input_headers the backend does not see them.
        Assert.Equal(HttpStatusCode.OK, await Get(gw, "/filtered", token));
        Assert.False(backend.Requests.Single(r => r.PathAndQuery == "/filtered").Headers.ContainsKey("X-User"));
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Scopes_are_checked_only_with_a_scopes_key_which_may_be_nested()
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-jwt-").FullName;
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        var keys = $$""" "alg": "HS256", "jwk_local_path": {{JsonSerializer.Serialize(JwkFile(dir))}}, "disable_jwk_security": true """;
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/nokey", "extra_config": { "auth/validator": { {{keys}}, "scopes": ["write"] } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] },
              { "endpoint": "/nested", "extra_config": { "auth/validator": { {{keys}}, "scopes": ["read", "write"], "scopes_key": "realm.scp", "scopes_matcher": "all" } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);

        // krakend-jose has no default scopes_key: without one the scopes are not checked.
        Assert.Equal(HttpStatusCode.OK, await Get(gw, "/nokey", Hs256("""{"scope": "read"}""")));
        Assert.Equal(HttpStatusCode.OK, await Get(gw, "/nested", Hs256("""{"realm": {"scp": "read write"}}""")));
        Assert.Equal(HttpStatusCode.OK, await Get(gw, "/nested", Hs256("""{"realm": {"scp": ["write", "read"]}}""")));
        Assert.Equal(HttpStatusCode.Forbidden, await Get(gw, "/nested", Hs256("""{"realm": {"scp": "read"}}""")));
        Assert.Equal(HttpStatusCode.Forbidden, await Get(gw, "/nested", Hs256("""{"realm.scp": "read write"}""")));
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Signer_full_answers_the_json_serialization_and_signs_only_objects()
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-jwt-").FullName;
        await using var backend = await FakeBackend.JsonAsync("""{"token": {"sub": "u-1"}, "plain": "left alone"}""");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3, "endpoints": [
              { "endpoint": "/sign", "extra_config": { "auth/signer": { "alg": "HS256", "kid": "sim", "typ": "at+jwt", "full": true,
                  "keys_to_sign": ["token", "plain"], "jwk_local_path": {{JsonSerializer.Serialize(JwkFile(dir))}}, "disable_jwk_security": true } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);

        using var response = await gw.Client.GetAsync("/sign");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("left alone", body.RootElement.GetProperty("plain").GetString());
        using var jws = JsonDocument.Parse(body.RootElement.GetProperty("token").GetString()!);
        var names = jws.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["payload", "protected", "signature"], names);
        var payload = jws.RootElement.GetProperty("payload").GetString()!;
        var protectedHeader = jws.RootElement.GetProperty("protected").GetString()!;
        Assert.Equal("""{"sub":"u-1"}""", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(payload)));
        Assert.Equal("""{"alg":"HS256","kid":"sim","typ":"at+jwt"}""", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(protectedHeader)));
        var expected = B64(HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes(protectedHeader + "." + payload)));
        Assert.Equal(expected, jws.RootElement.GetProperty("signature").GetString());
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }
}
