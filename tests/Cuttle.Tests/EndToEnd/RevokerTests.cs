using System.Net;
using System.Text;
using System.Text.Json;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.EndToEnd;

/// <summary>
/// auth/revoker through the real host: a token whose jti is added through Cuttle's HTTP revocation endpoint (the
/// stand-in for KrakenD's Go RPC port) is refused 401 by every auth/validator; others still pass; the endpoint
/// listens only where cuttle_admin_address says.
/// </summary>
public sealed class RevokerTests
{
    [Fact]
    public async Task A_revoked_jti_is_refused_by_the_validators_and_others_still_pass()
    {
        var dir = Directory.CreateTempSubdirectory("cuttle-revoker-").FullName;
        var adminPort = TestPorts.Closed();
        await using var backend = await FakeBackend.JsonAsync("{\"ok\":true}");
        await using var gw = await GatewayHarness.StartAsync($$"""
            { "version": 3,
              "extra_config": { "auth/revoker": { "n": 10000, "p": 0.0000001, "hash_name": "optimal", "ttl": 1500, "port": 1234,
                                                  "token_keys": ["jti"], "cuttle_admin_address": "127.0.0.1:{{adminPort}}" } },
              "endpoints": [ { "endpoint": "/private",
                "extra_config": { "auth/validator": { "alg": "HS256", "jwk_local_path": {{JsonSerializer.Serialize(JwtClaimsTests.JwkFile(dir))}}, "disable_jwk_security": true } },
                "backend": [ { "host": ["{{backend.Url}}"], "url_pattern": "/" } ] } ] }
            """);

        var revoked = JwtClaimsTests.Hs256("""{"sub": "u1", "jti": "abc-123"}""");
        var kept = JwtClaimsTests.Hs256("""{"sub": "u1", "jti": "def-456"}""");
        async Task<HttpStatusCode> Get(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/private");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            using var response = await gw.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Get(revoked));

        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        var add = await admin.PostAsync("/add", new StringContent("""{"elems": ["jti-abc-123"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        Assert.Equal("{\"count\":1}", await add.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, await Get(revoked));
        Assert.Equal(HttpStatusCode.OK, await Get(kept));

        var check = await admin.PostAsync("/check", new StringContent("""{"elems": ["jti-abc-123", "jti-def-456"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal("{\"results\":[true,false]}", await check.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.GetAsync("/add")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/add", new StringContent("[]"))).StatusCode);
        Assert.Equal(2, backend.Requests.Count);
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }
}
