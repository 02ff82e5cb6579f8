using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>security/http, auth/revoker, auth/client-credentials and the auth/validator keys added with them.</summary>
public sealed class ConfigBinderAuthSecurityTests
{
    private static string Endpoint(string validator) =>
        "{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"extra_config\": {\"auth/validator\": " + validator
        + "}, \"backend\": [{\"host\": [\"http://b\"], \"url_pattern\": \"/\"}]}]}";

    [Fact]
    public void HttpSecure_ReadsTheKeysKrakendHttpsecureReads()
    {
        var h = Parse("""
        {"version": 3, "extra_config": {"security/http": {"allowed_hosts": ["a.example"], "sts_seconds": 60.9, "frame_deny": true,
          "ssl_proxy_headers": {"X-Forwarded-Proto": "https"}, "custom_frame_options_value": "SAMEORIGIN", "is_development": false}}}
        """).Config!.HttpSecure!;
        Assert.Equal(["a.example"], h.AllowedHosts.ToArray());
        Assert.Equal(60, h.StsSeconds);
        Assert.True(h.FrameDeny);
        Assert.Equal("SAMEORIGIN", h.CustomFrameOptionsValue);
        Assert.Equal("https", Assert.Single(h.SslProxyHeaders).Value);
    }

    [Fact]
    public void HttpSecure_BadRegexAndWrongTypes_AreErrorsWithTheirPosition()
    {
        var result = Parse("{\"version\": 3, \"extra_config\": {\"security/http\": {\n  \"allowed_hosts\": [\"(a\"], \"allowed_hosts_are_regex\": true}}}");
        var e = SingleError(result);
        Assert.Contains("allowed_hosts", e.Message);
        AssertAt(e, 2, 21, "extra_config[\"security/http\"].allowed_hosts[0]");

        var typed = SingleError(Parse("{\"version\": 3, \"extra_config\": {\"security/http\": {\n  \"frame_deny\": \"true\"}}}"));
        Assert.Equal("\"security/http.frame_deny\" must be true or false, got the string \"true\"", typed.Message);
        AssertAt(typed, 2, 17, "extra_config[\"security/http\"].frame_deny");
    }

    [Fact]
    public void HttpSecure_KeysKrakendDoesNotRead_AreWarnedUnderLint()
    {
        var result = Parse("{\"version\": 3, \"extra_config\": {\"security/http\": {\"ssl_port\": 443}}}", new ConfigLoadOptions { Lint = true });
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("\"ssl_port\""));
    }

    [Fact]
    public void Validator_CacheDurationIsSeconds_AndAStringIsAnError()
    {
        var ok = Parse(Endpoint("{\"alg\": \"RS256\", \"jwk_url\": \"https://idp/jwk\", \"cache\": true, \"cache_duration\": 30}"));
        Assert.Equal(TimeSpan.FromSeconds(30), ok.Config!.Endpoints[0].JwtValidator!.CacheDuration);
        var e = SingleError(Parse(Endpoint("{\"alg\": \"RS256\", \"jwk_url\": \"https://idp/jwk\", \"cache_duration\": \"15m\"}")));
        Assert.Contains("whole number of seconds", e.Message);
    }

    [Fact]
    public void Validator_PropagateClaims_AndItsErrors()
    {
        var v = Parse(Endpoint("{\"jwk_url\": \"https://idp/jwk\", \"propagate_claims\": [[\"sub\", \"X-User\"]], \"propagate_claims_preserve_array\": true}"))
            .Config!.Endpoints[0].JwtValidator!;
        Assert.Equal(new KeyValuePair<string, string>("sub", "X-User"), Assert.Single(v.PropagateClaims));
        Assert.True(v.PropagateClaimsPreserveArray);
        var e = SingleError(Parse(Endpoint("{\"jwk_url\": \"https://idp/jwk\", \"propagate_claims\": [[\"sub\"]]}")));
        Assert.Contains("two strings", e.Message);
    }

    [Fact]
    public void Validator_UnimplementedKeysAndStrategies_AreErrors()
    {
        Assert.Contains("key_identify_strategy", SingleError(Parse(Endpoint("{\"jwk_url\": \"https://idp/jwk\", \"key_identify_strategy\": \"x5t\"}"))).Message);
        Assert.Contains("jwk_fingerprints", SingleError(Parse(Endpoint("{\"jwk_url\": \"https://idp/jwk\", \"jwk_fingerprints\": [\"abc\"]}"))).Message);
        Assert.Contains("disable_jwk_security", SingleError(Parse(Endpoint("{\"alg\": \"HS256\", \"jwk_local_path\": \"keys.json\"}"))).Message);
    }

    [Fact]
    public void ClientCredentials_ScopesAreOneCommaSeparatedString_AndAListIsAnError()
    {
        static string Backend(string cc) => "{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"backend\": [{\"host\": [\"http://b\"], \"url_pattern\": \"/\", "
            + "\"extra_config\": {\"auth/client-credentials\": " + cc + "}}]}]}";
        var c = Parse(Backend("{\"client_id\": \"id\", \"client_secret\": \"s\", \"token_url\": \"https://idp/token\", \"scopes\": \"a,b\", \"endpoint_params\": {\"audience\": [\"x\"]}}"))
            .Config!.Endpoints[0].Backend[0].ClientCredentials!;
        Assert.Equal(["a", "b"], c.Scopes.ToArray());
        Assert.Equal("audience", Assert.Single(c.EndpointParams).Key);
        Assert.Null(Parse(Backend("{\"is_disabled\": true}")).Config!.Endpoints[0].Backend[0].ClientCredentials);
        Assert.Equal("\"auth/client-credentials.scopes\" must be a string, got an array",
            SingleError(Parse(Backend("{\"token_url\": \"https://idp/token\", \"scopes\": [\"a\"]}"))).Message);
    }

    [Fact]
    public void Revoker_ReadsTheBloomfilterConfig_AndRefusesWhatKrakendPanicsOn()
    {
        var r = Parse("{\"version\": 3, \"extra_config\": {\"auth/revoker\": {\"N\": 1000, \"P\": 0.001, \"hash_name\": \"optimal\", \"TTL\": 1500, \"port\": 1234, \"token_keys\": [\"jti\"], \"cuttle_admin_address\": \"127.0.0.1:1235\"}}}")
            .Config!.Revoker!;
        Assert.Equal((1000L, 0.001, "optimal", 1500L, 1234, "127.0.0.1:1235"), (r.N, r.P, r.HashName, r.TtlSeconds, r.Port, r.AdminAddress));
        Assert.Equal(["jti"], r.TokenKeys.ToArray());
        var e = SingleError(Parse("{\"version\": 3, \"extra_config\": {\"auth/revoker\": {\"n\": 10, \"p\": 0.1, \"hash_name\": \"md5\", \"ttl\": 5}}}"));
        Assert.Contains("hash_name", e.Message);
        Assert.Contains("ttl", SingleError(Parse("{\"version\": 3, \"extra_config\": {\"auth/revoker\": {\"n\": 10, \"p\": 0.1, \"hash_name\": \"default\", \"ttl\": 0}}}")).Message);
    }
}
