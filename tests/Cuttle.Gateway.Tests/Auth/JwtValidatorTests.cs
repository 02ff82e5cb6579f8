using System.Text.Json;
using Cuttle.Config.Model;
using Cuttle.Gateway.Auth;
using Microsoft.Extensions.Time.Testing;

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
    private readonly FakeTimeProvider _time = JwtTestKeys.NewClock();

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
        var validator = new JwtValidator(Fixture, Keys(), ["sub", "org.id", "missing"], _time);

        var outcome = await validator.ValidateAsync(await Token(Claims(extra: ", \"org\": {\"id\": 7}")), CancellationToken.None);

        Assert.Equal(0, outcome.Status);
        Assert.Equal("u1", outcome.Params!["JWT.sub"]);
        Assert.Equal("7", outcome.Params["JWT.org.id"]);
        Assert.False(outcome.Params.ContainsKey("JWT.missing"));
    }

    [Theory]
    [InlineData("[\"role_y\"]")]
    [InlineData("[]")]
    [InlineData("\"role_y role_z\"")]
    [InlineData("\"role_ab\"")] // a space-separated string matches whole roles only
    [InlineData("{\"role_a\": true}")] // neither a list nor a string: krakend-jose CanAccess refuses it
    public async Task ValidToken_WithoutARequiredRole_Is403(string roles)
    {
        var outcome = await new JwtValidator(Fixture, Keys(), [], _time).ValidateAsync(await Token(Claims(roles)), CancellationToken.None);

        Assert.Equal(403, outcome.Status);
    }

    [Fact]
    public async Task BadTokens_Are401()
    {
        var validator = new JwtValidator(Fixture, Keys(), [], _time);
        var good = await Token(Claims());

        Assert.Equal(401, (await validator.ValidateAsync(null, CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync("a.bad.token", CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync(good[..^2] + "xx", CancellationToken.None)).Status); // signature
        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims().Replace("https://krakend.io", "https://evil.io")), CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims().Replace("http://api.example.com", "http://other")), CancellationToken.None)).Status);
        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims().Replace("4102444800", "1000000000")), CancellationToken.None)).Status); // expired
        Assert.Equal(401, (await new JwtValidator(Fixture with { Alg = "HS512" }, Keys(), [], _time).ValidateAsync(good, CancellationToken.None)).Status);
    }

    [Theory]
    [InlineData(false, "\"a b\"", 0)]
    [InlineData(false, "\"b\"", 403)]
    [InlineData(true, "\"a b c\"", 0)]
    [InlineData(true, "[\"a\"]", 403)]
    public async Task Scopes_AnyOrAll(bool all, string granted, int status)
    {
        var options = Fixture with { Roles = [], Scopes = ["a", "c"], ScopesKey = "scope", ScopesMatchAll = all };
        var validator = new JwtValidator(options, Keys(), [], _time);

        var outcome = await validator.ValidateAsync(await Token(Claims(extra: $", \"scope\": {granted}")), CancellationToken.None);

        Assert.Equal(status, outcome.Status);
    }

    [Fact]
    public async Task JwkSet_IsFetchedOnceAndRefreshedOnlyWhenStale()
    {
        var keys = Keys(maxAge: TimeSpan.FromMinutes(15));
        var validator = new JwtValidator(Fixture, keys, [], _time);
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
        var validator = new JwtValidator(Fixture with { JwkUrl = null }, new JwkKeySource(null, null, _client, _time, null), [], _time);

        Assert.Equal(401, (await validator.ValidateAsync(await Token(Claims()), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task LocalJwkFile_IsReadAtBuildTime()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, JwtTestKeys.Set);
            var validator = new JwtValidator(Fixture, new JwkKeySource(null, path, _client, _time, null), [], _time);
            var fetches = _server.Fetches;

            Assert.Equal(0, (await validator.ValidateAsync(await Token(Claims()), CancellationToken.None)).Status);
            Assert.Equal(fetches + 1, _server.Fetches); // only the signer in Token() fetched
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Signed(string claimsJson, string header = """{"alg":"HS256","kid":"sim2"}""")
        => JwtTestKeys.Hs256(header, claimsJson, JwtTestKeys.Sim2Key);

    private static string Dated(string times, string aud = "\"http://api.example.com\"")
        => $$"""{"aud": {{aud}}, "iss": "https://krakend.io", "sub": "u1", "roles": ["role_a"]{{times}}}""";

    private async Task<int> Status(JwtValidatorOptions options, string token, JwkKeySource? keys = null)
        => (await new JwtValidator(options, keys ?? Keys(), [], _time).ValidateAsync(token, CancellationToken.None)).Status;

    [Fact]
    public async Task Leeway_DefaultsToOneSecond_AsKrakendJosePassesIt()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(0, await Status(Fixture, Signed(Dated($", \"exp\": {now - 1}"))));
        Assert.Equal(401, await Status(Fixture, Signed(Dated($", \"exp\": {now - 30}")))); // go-jose's own default (1 min) would pass it
        Assert.Equal(401, await Status(Fixture, Signed(Dated($", \"nbf\": {now + 30}"))));
        Assert.Equal(0, await Status(Fixture with { Leeway = TimeSpan.FromMinutes(2) }, Signed(Dated($", \"exp\": {now - 90}"))));
    }

    [Fact]
    public async Task Leeway_UnderOneSecond_IsRaisedToOneSecond()
    {
        var options = Fixture with { Leeway = TimeSpan.Zero };
        var token = Signed(Dated($", \"exp\": {_time.GetUtcNow().ToUnixTimeSeconds() - 1}"));

        Assert.Equal(0, await Status(options, token)); // go-auth0 NewValidatorWithLeeway: leeway < 1s becomes 1s
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(401, await Status(options, token));
    }

    [Fact]
    public async Task IssuedAt_InTheFutureBeyondTheLeeway_Is401()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(0, await Status(Fixture, Signed(Dated($", \"iat\": {now + 1}"))));
        Assert.Equal(401, await Status(Fixture, Signed(Dated($", \"iat\": {now + 30}"))));
    }

    [Fact]
    public async Task Audience_EveryConfiguredOneMustBeInTheToken()
    {
        var both = Fixture with { Audience = ["a", "b"] };

        Assert.Equal(401, await Status(both, Signed(Dated("", aud: "[\"a\"]"))));
        Assert.Equal(401, await Status(both, Signed(Dated("", aud: "\"b\""))));
        Assert.Equal(0, await Status(both, Signed(Dated("", aud: "[\"b\", \"x\", \"a\"]"))));
        Assert.Equal(0, await Status(Fixture with { Audience = ["a"] }, Signed(Dated("", aud: "\"a\""))));
        Assert.Equal(401, await Status(Fixture with { Audience = ["a"] }, Signed(Dated("", aud: "null"))));
    }

    [Fact]
    public async Task RegisteredClaims_OfTheWrongType_Are401EvenWhenNotChecked()
    {
        var unchecked_ = Fixture with { Audience = [], Issuer = null };

        Assert.Equal(0, await Status(unchecked_, Signed(Dated(""))));
        Assert.Equal(0, await Status(unchecked_, Signed(Dated(", \"exp\": 4102444800.5, \"iss\": null")))); // a NumericDate may have a fraction
        Assert.Equal(401, await Status(unchecked_, Signed(Dated("", aud: "null")))); // go-jose's Audience.UnmarshalJSON refuses null
        Assert.Equal(401, await Status(unchecked_, Signed(Dated(", \"exp\": \"4102444800\"")))); // NumericDate parses the raw JSON as a float
        Assert.Equal(401, await Status(unchecked_, Signed(Dated(", \"sub\": 5")))); // go-jose unmarshals sub into a string
    }

    [Fact]
    public async Task Kid_UnknownOrMissing_Is401_ThoughAnotherKeyOfTheSetWouldVerify()
    {
        var claims = Claims();

        Assert.Equal(0, await Status(Fixture, Signed(claims)));
        Assert.Equal(401, await Status(Fixture, Signed(claims, """{"alg":"HS256","kid":"nope"}""")));
        Assert.Equal(401, await Status(Fixture, Signed(claims, """{"alg":"HS256"}""")));
    }

    [Fact]
    public async Task Kid_MissingWithASingleKeySet_MatchesOnlyAKeyWithoutKid()
    {
        var withKid = Path.GetTempFileName();
        var withoutKid = Path.GetTempFileName();
        try
        {
            const string k = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
            await File.WriteAllTextAsync(withKid, $$"""{"keys": [{"kty": "oct", "k": "{{k}}", "kid": "sim2"}]}""");
            await File.WriteAllTextAsync(withoutKid, $$"""{"keys": [{"kty": "oct", "k": "{{k}}"}]}""");
            JwkKeySource Local(string path) => new(null, path, _client, _time, null);
            var noKid = Signed(Claims(), """{"alg":"HS256"}""");

            Assert.Equal(401, await Status(Fixture, noKid, Local(withKid)));
            Assert.Equal(0, await Status(Fixture, noKid, Local(withoutKid)));
            Assert.Equal(401, await Status(Fixture, Signed(Claims()), Local(withoutKid)));
        }
        finally
        {
            File.Delete(withKid);
            File.Delete(withoutKid);
        }
    }

    [Fact]
    public async Task Roles_AsASpaceSeparatedString_AreMatchedWholeAlsoUnderANestedKey()
    {
        var nested = Fixture with { RolesKey = "realm_access.roles", RolesKeyIsNested = true };

        Assert.Equal(0, await Status(Fixture, Signed(Claims("\"role_x role_c\""))));
        Assert.Equal(0, await Status(nested, Signed(Claims("[]", ", \"realm_access\": {\"roles\": \"user role_a\"}"))));
        Assert.Equal(403, await Status(nested, Signed(Claims("[\"role_a\"]", ", \"realm_access\": {\"roles\": \"user role_ab\"}"))));
    }
}
