using System.Text.Json;
using Cuttle.Gateway.Auth;

namespace Cuttle.Gateway.Tests.Auth;

public sealed class JwtSignerTests
{
    [Fact]
    public async Task SignAsync_CeFixtureClaims_GivesKrakendsExactToken()
    {
        using var client = new HttpMessageInvoker(new JwtTestKeys.JwkServer());
        var keys = new JwkKeySource("http://idp.test/jwk", null, client, TimeProvider.System, null);
        var claims = JsonDocument.Parse("""
            {"aud": "http://api.example.com", "iss": "https://krakend.io", "sub": "1234567890qwertyuio",
             "jti": "mnb23vcsrt756yuiomnbvcx98ertyuiop", "roles": ["role_y"], "exp": 1735689600}
            """).RootElement;

        var token = await new JwtSigner("HS256", "sim2", keys).SignAsync(claims, CancellationToken.None);

        // The access_token of krakend-ce's jwt_4 spec: header and payload keys sorted, as go-jose and encoding/json write them.
        Assert.Equal("eyJhbGciOiJIUzI1NiIsImtpZCI6InNpbTIiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwOi8vYXBpLmV4YW1wbGUuY29tIiwiZXhwIjoxNzM1Njg5NjAwLCJpc3MiOiJodHRwczovL2tyYWtlbmQuaW8iLCJqdGkiOiJtbmIyM3Zjc3J0NzU2eXVpb21uYnZjeDk4ZXJ0eXVpb3AiLCJyb2xlcyI6WyJyb2xlX3kiXSwic3ViIjoiMTIzNDU2Nzg5MHF3ZXJ0eXVpbyJ9.zkfOW6Fsd0DzhYTXjc_SA3oOv2mG76JZTAvRaVibPNA", token);
    }

    [Fact]
    public async Task SignAsync_UnknownKid_Throws()
    {
        using var client = new HttpMessageInvoker(new JwtTestKeys.JwkServer());
        var keys = new JwkKeySource("http://idp.test/jwk", null, client, TimeProvider.System, null);

        await Assert.ThrowsAsync<JwkUnavailableException>(async () => await new JwtSigner("HS256", "nope", keys).SignAsync("x", CancellationToken.None));
    }
}
