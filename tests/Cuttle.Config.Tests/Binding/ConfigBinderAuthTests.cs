using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

public sealed class ConfigBinderAuthTests
{
    private static string Endpoint(string extra) => $$"""
        {"version": 3, "endpoints": [{"endpoint": "/a",
          "extra_config": {{{extra}}},
          "backend": [{"url_pattern": "/{JWT.sub}", "host": ["h"]}]}]}
        """;

    [Fact]
    public void Validator_FixtureValues_AreTypedWithKrakendDefaults()
    {
        var v = Parse(Endpoint("""
            "github.com/devopsfaith/krakend-jose/validator": {"alg": "HS256", "audience": ["http://api.example.com"],
              "issuer": "https://krakend.io", "roles": ["role_a"], "jwk_url": "http://127.0.0.1:8081/jwk/symmetric",
              "disable_jwk_security": true}
            """)).Config!.Endpoints[0].JwtValidator!;

        Assert.Equal("HS256", v.Alg);
        Assert.Equal(new[] { "http://api.example.com" }, v.Audience.ToArray());
        Assert.Equal("https://krakend.io", v.Issuer);
        Assert.Equal("roles", v.RolesKey);
        Assert.Equal("Authorization", v.AuthHeaderName);
        Assert.False(v.ScopesMatchAll);
        Assert.True(v.DisableJwkSecurity);
        Assert.Equal(TimeSpan.FromSeconds(1), v.Leeway); // krakend-jose NewValidator's fallback
        Assert.Equal("access_token", v.CookieKey); // krakend-jose FromCookie's default name
    }

    [Fact]
    public void Validator_Leeway_IsAGoDurationOfAtLeastOneSecond()
    {
        TimeSpan Leeway(string json)
        {
            var result = Parse(Endpoint($$"""  "auth/validator": {"alg": "HS256", "jwk_url": "https://idp/jwk", "leeway": {{json}}}  """));
            Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("leeway"));
            return result.Config!.Endpoints[0].JwtValidator!.Leeway;
        }

        Assert.Equal(TimeSpan.FromSeconds(90), Leeway("\"90s\""));
        Assert.Equal(TimeSpan.FromSeconds(1), Leeway("\"0s\"")); // go-auth0 raises a leeway under one second to one second
        Assert.Equal(TimeSpan.FromSeconds(1), Leeway("\"500ms\""));
        Assert.Equal(TimeSpan.FromSeconds(1), Leeway("\"\"")); // time.ParseDuration fails: krakend-jose's one second
        Assert.Equal(TimeSpan.FromSeconds(1), Leeway("null"));
    }

    [Fact]
    public void Validator_LeewayThatIsNotADuration_IsOneSecondWithAWarning()
    {
        var result = Parse(Endpoint("""  "auth/validator": {"alg": "HS256", "jwk_url": "https://idp/jwk", "leeway": "a minute"}  """));

        Assert.True(result.Success);
        Assert.Equal(TimeSpan.FromSeconds(1), result.Config!.Endpoints[0].JwtValidator!.Leeway);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("leeway") && d.Message.Contains("one second"));
    }

    [Fact]
    public void Validator_LeewayAsANumber_IsAnError()
    {
        var d = SingleError(Parse(Endpoint("""  "auth/validator": {"alg": "HS256", "jwk_url": "https://idp/jwk", "leeway": 60}  """)));

        Assert.Contains("leeway", d.Location.JsonPath);
    }

    [Fact]
    public void Validator_PlainHttpJwkWithoutDisableJwkSecurity_IsAnError()
    {
        var d = SingleError(Parse(Endpoint("""
            "auth/validator": {"alg": "HS256", "jwk_url": "http://idp/jwk"}
            """)));

        Assert.Contains("disable_jwk_security", d.Message);
        Assert.Contains("jwk_url", d.Location.JsonPath);
    }

    [Fact]
    public void Validator_WithoutKeySource_LoadsWithAWarning()
    {
        var result = Parse(Endpoint("""  "auth/validator": {"alg": "RS256"}  """));

        Assert.True(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("no \"jwk_url\""));
    }

    [Fact]
    public void Validator_UnknownAlgorithm_IsAnError()
    {
        var d = SingleError(Parse(Endpoint("""
            "auth/validator": {"alg": "HS999", "jwk_url": "https://idp/jwk"}
            """)));

        Assert.Contains("unsupported auth/validator.alg \"HS999\"", d.Message);
    }

    [Fact]
    public void Signer_KeysToSignAndKid_AreTyped()
    {
        var s = Parse(Endpoint("""
            "auth/signer": {"alg": "HS256", "kid": "sim2", "keys_to_sign": ["access_token"], "jwk_url": "https://idp/jwk"}
            """)).Config!.Endpoints[0].JwtSigner!;

        Assert.Equal("sim2", s.Kid);
        Assert.Equal(new[] { "access_token" }, s.KeysToSign.ToArray());
    }
}
