using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Auth;
using Xunit;

namespace Cuttle.Gateway.Tests.Auth;

public sealed class JwtValidatorTests : IDisposable
{
    private static readonly JwtValidatorOptions Fixture = new()
    {
        Alg = "HS256",
        Audience = ["http://api.example.com"],
        Issuer = "https://krakend.io",
        Roles = ["role_a", "role_c"],
        JwkUrl = "http://idp.test/jwk",
        DisableJwkSecurity = true,
    };

    private readonly JwtTestKeys.JwkServer _server = new();
    private readonly HttpMessageInvoker _client;
    private readonly JwtTestKeys.ManualTime _time = new();

    public JwtValidatorTests() => _client = new HttpMessageInvoker(_server);

    public void Dispose() => _client.Dispose();

    private JwkKeySource Keys(TimeSpan? maxAge = null) => new("http://idp.test/jwk", null, _client, _time, maxAge);

    private async Task<string> Token(string claimsJson, string kid = "sim2")
        => await new JwtSigner("HS256", kid, Keys()).SignAsync(JsonDocument.Parse(claimsJson).RootElement, CancellationToken.None);

    private static string Claims(string roles = "[\"role_a\"]", string extra = "")
        => $$"""{"aud": "http://api.example.com", "iss": "https://krakend.io", "sub": "u1", "exp": 4102444800, "roles": {{roles}} {{extra}}}""";

    [Fact]
    public async Task ValidToken_WithARequiredRole_IsValidAndExposesClaimParams()
    {
        var validator = new JwtValidator(Fixture, Keys(), ["sub", "org.id", "missing"]);

        var outcome = await validator.ValidateAsync(await Token(Claims(extra: ", \"org\": {\"id\": 7}")), CancellationToken.None);

        Assert.Equal(0, outcome.Status);
        Assert.Equal("u1", outcome.Params!["JWT.sub"]);
        Assert.Equal("7", outcome.Params["JWT.org.id"]);
        Assert.False(outcome.Params.ContainsKey("JWT.missing"));
    }

    [Theory]
    [InlineData("[\"role_y\"]")]
    [InlineData("[]")]
    [InlineData("\"role_a\"")] // not a list: krakend-jose CanAccess refuses it
    public async Task ValidToken_WithoutARequiredRole_Is403(string roles)
    {
        var outcome = await new JwtValidator(Fixture, Keys(), []).ValidateAsync(await Token(Claims(roles)), CancellationToken.None);

        Assert.Equal(403, outcome.Status);
    }

    [Fact]
    public async Task BadTokens_Are401()
    {
        var validator = new JwtValidator(Fixture, Keys(), []);
        var good = await Token(Claims());

        Assert.Equal(401, (await validator.ValidateAsync(null, CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync("a.bad.token", CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync(good[..^2] + "xx", CancellationToken.None)).Status); // signature
        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims().Replace("https://krakend.io", "https://evil.io")), CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims().Replace("http://api.example.com", "http://other")), CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims().Replace("4102444800", "1000000000")), CancellationToken.None)).Status); // expired
        Assert.Equal(401, (await new JwtValidator(Fixture with { Alg = "HS512" }, Keys(), []).ValidateAsync(good, CancellationToken.None)).Status);
    }

    [Theory]
    [InlineData(false, "\"a b\"", 0)]
    [InlineData(false, "\"b\"", 403)]
    [InlineData(true, "\"a b c\"", 0)]
    [InlineData(true, "[\"a\"]", 403)]
    public async Task Scopes_AnyOrAll(bool all, string granted, int status)
    {
        var options = Fixture with { Roles = [], Scopes = ["a", "c"], ScopesMatchAll = all };
        var validator = new JwtValidator(options, Keys(), []);

        var outcome = await validator.ValidateAsync(await Token(Claims(extra: $", \"scope\": {granted}")), CancellationToken.None);

        Assert.Equal(status, outcome.Status);
    }

    [Fact]
    public async Task JwkSet_IsFetchedOnceAndRefreshedOnlyWhenStale()
    {
        var keys = Keys(maxAge: TimeSpan.FromMinutes(15));
        var validator = new JwtValidator(Fixture, keys, []);
        var token = await Token(Claims());
        var before = _server.Fetches;

        for (var i = 0; i < 5; i++) Assert.Equal(0, (await validator.ValidateAsync(token, CancellationToken.None)).Status);
        Assert.Equal(before + 1, _server.Fetches);

        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(0, (await validator.ValidateAsync(token, CancellationToken.None)).Status);
        Assert.Equal(before + 2, _server.Fetches);
    }

    [Fact]
    public async Task UnknownKid_RefetchesAtMostOncePerCooldown()
    {
        var keys = Keys();
        await keys.GetKeysAsync(null, CancellationToken.None);
        var fetches = _server.Fetches;

        await keys.GetKeysAsync("rotated", CancellationToken.None);
        await keys.GetKeysAsync("rotated", CancellationToken.None);
        Assert.Equal(fetches, _server.Fetches); // within the cooldown

        _time.Advance(TimeSpan.FromSeconds(2));
        await keys.GetKeysAsync("rotated", CancellationToken.None);
        Assert.Equal(fetches + 1, _server.Fetches);
    }

    [Fact]
    public async Task NoKeySource_RefusesEveryTokenWith401()
    {
        var validator = new JwtValidator(Fixture with { JwkUrl = null }, new JwkKeySource(null, null, _client, _time, null), []);

        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims()), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task LocalJwkFile_IsReadAtBuildTime()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, JwtTestKeys.Set);
            var validator = new JwtValidator(Fixture, new JwkKeySource(null, path, _client, _time, null), []);
            var fetches = _server.Fetches;

            Assert.Equal(0, (await validator.ValidateAsync(await Token(Claims()), CancellationToken.None)).Status);
            Assert.Equal(fetches + 1, _server.Fetches); // only the signer in Token() fetched
        }
        finally
        {
            File.Delete(path);
        }
    }
}
