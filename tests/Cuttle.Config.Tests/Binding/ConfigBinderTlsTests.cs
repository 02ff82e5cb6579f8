using System.Net.Security;
using System.Text.Json;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Testing;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>
/// The service's tls block: KrakenD's defaults, and a clear error at <c>cuttle check</c> for every file or value the
/// server could not serve, at the config node's line and column and naming the file.
/// </summary>
public sealed class ConfigBinderTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-tls-config-").FullName;
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create();
    private readonly string _cert;
    private readonly string _key;

    public ConfigBinderTlsTests()
    {
        using var server = _ca.IssueServer("localhost");
        (_cert, _key) = server.WriteTo(_dir);
    }

    public void Dispose()
    {
        _ca.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string J(string s) => JsonSerializer.Serialize(s);

    // The tls block starts on line 2, its first member at column 3 of line 3.
    private static ConfigLoadResult Config(string tlsMembers, string root = "") => Parse($$"""
        {"version": 3, {{root}}
         "tls": {
          {{tlsMembers}}
         },
         "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["h"]}]}]}
        """);

    private string Pair => $"\"public_key\": {J(_cert)}, \"private_key\": {J(_key)}";

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Unset_settings_take_krakends_defaults()
    {
        var result = Config(Pair);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var tls = result.Config!.Tls!;
        Assert.Equal((_cert, _key), (tls.Keys.Single().PublicKey, tls.Keys.Single().PrivateKey));
        Assert.Equal((TlsVersion.Tls13, TlsVersion.Tls13), (tls.MinVersion, tls.MaxVersion));
        Assert.Equal(
        [
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ], tls.CipherSuites.ToArray());
        Assert.Equal([25, 24, 23], tls.CurvePreferences.ToArray());
        Assert.False(tls.EnableMtls);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Keys_come_first_then_the_single_pair_and_numbers_or_go_names_are_read()
    {
        var result = Config($$"""
            "keys": [{"public_key": {{J(_cert)}}, "private_key": {{J(_key)}}}], {{Pair}},
            "min_version": "TLS12", "cipher_suites": [49199, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"]
            """);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var tls = result.Config!.Tls!;
        Assert.Equal(2, tls.Keys.Length);
        Assert.Equal(TlsVersion.Tls12, tls.MinVersion);
        Assert.Equal([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384], tls.CipherSuites.ToArray());
    }

    [Fact]
    public void A_disabled_block_is_clear_text()
    {
        var result = Config("\"disabled\": true, \"public_key\": \"/nowhere\"");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Null(result.Config!.Tls);
    }

    [Theory]
    [InlineData("\"use_h2c\": true,", true)]
    [InlineData("\"extra_config\": {\"router\": {\"use_h2c\": true}},", true)]
    [InlineData("\"extra_config\": {\"github_com/luraproject/lura/router/gin\": {\"use_h2c\": true}},", true)]
    [InlineData("", false)]
    public void Use_h2c_is_read_at_service_level_and_in_the_router(string root, bool expected)
    {
        var result = Parse($$"""{"version": 3, {{root}} "endpoints": []}""");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(expected, result.Config!.UseH2c);
    }

    [Fact]
    public void A_missing_key_file_is_a_warning_naming_it_since_check_often_runs_where_certificates_are_not_mounted()
    {
        var missing = Path.Combine(_dir, "absent.key");
        var result = Config($"\"public_key\": {J(_cert)}, \"private_key\": {J(missing)}");
        Assert.True(result.Success);
        var d = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("refuse to start", d.Message);
        Assert.Contains(missing, d.Message);
        Assert.Equal(3, d.Location.Line);
        Assert.Equal("tls.private_key", d.Location.JsonPath);
    }

    [Fact]
    public void No_key_at_all_is_krakends_public_key_not_defined()
    {
        var d = SingleError(Config("\"min_version\": \"TLS12\""));
        Assert.StartsWith("public key not defined", d.Message);
        Assert.Equal("tls", d.Location.JsonPath);
    }

    [Fact]
    public void A_certificate_file_that_is_not_pem_is_an_error_naming_it()
    {
        var garbage = Write("garbage.crt", "this is not a certificate\n");
        var d = SingleError(Config($"\"public_key\": {J(garbage)}, \"private_key\": {J(_key)}"));
        Assert.Contains(garbage, d.Message);
        Assert.Contains("no PEM certificate", d.Message);
        AssertAt(d, 3, 17, "tls.public_key");
    }

    [Fact]
    public void A_corrupt_pem_block_is_an_error_naming_the_file()
    {
        var corrupt = Write("corrupt.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        var d = SingleError(Config($"\"public_key\": {J(corrupt)}, \"private_key\": {J(_key)}"));
        Assert.Contains(corrupt, d.Message);
    }

    [Fact]
    public void A_key_of_another_certificate_is_an_error_naming_both_files()
    {
        using var other = _ca.IssueServer("other");
        var otherKey = Write("other.key", other.KeyPem);
        var d = SingleError(Config($"\"public_key\": {J(_cert)}, \"private_key\": {J(otherKey)}"));
        Assert.Contains("does not match", d.Message);
        Assert.Contains(otherKey, d.Message);
        Assert.Contains(_cert, d.Message);
        Assert.Equal("tls.private_key", d.Location.JsonPath);
    }

    [Fact]
    public void An_expired_certificate_is_an_error_naming_it()
    {
        using var expired = _ca.IssueServer(["localhost"], DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var (cert, key) = expired.WriteTo(Path.Combine(_dir, "expired"));
        var d = SingleError(Config($"\"public_key\": {J(cert)}, \"private_key\": {J(key)}"));
        Assert.Contains("expired", d.Message);
        Assert.Contains(cert, d.Message);
        Assert.Equal("tls.public_key", d.Location.JsonPath);
    }

    [Fact]
    public void A_ca_file_that_is_not_a_ca_is_an_error_naming_it()
    {
        var d = SingleError(Config($"{Pair}, \"enable_mtls\": true, \"ca_certs\": [{J(_cert)}]"));
        Assert.Contains("not a certificate authority", d.Message);
        Assert.Contains(_cert, d.Message);
        Assert.Equal("tls.ca_certs[0]", d.Location.JsonPath);
    }

    [Theory]
    [InlineData("\"min_version\": \"TLS1.2\"", "unknown tls.min_version \"TLS1.2\"", "tls.min_version")]
    [InlineData("\"max_version\": \"TLS14\"", "unknown tls.max_version \"TLS14\"", "tls.max_version")]
    [InlineData("\"cipher_suites\": [\"TLS_NOPE\"]", "unknown cipher suite \"TLS_NOPE\"", "tls.cipher_suites[0]")]
    [InlineData("\"cipher_suites\": [49199, 12345]", "unknown cipher suite 12345", "tls.cipher_suites[1]")]
    [InlineData("\"curve_preferences\": [\"P999\"]", "unknown curve \"P999\"", "tls.curve_preferences[0]")]
    [InlineData("\"min_version\": \"TLS13\", \"max_version\": \"TLS12\"", "is above tls.max_version", "tls.min_version")]
    public void Unknown_names_and_impossible_ranges_are_errors_at_their_node(string member, string message, string path)
    {
        var d = SingleError(Config($"{Pair}, {member}"));
        Assert.Contains(message, d.Message);
        Assert.Equal(path, d.Location.JsonPath);
        Assert.Equal(3, d.Location.Line);
    }

    [Fact]
    public void Settings_dotnet_cannot_honour_get_one_warning_naming_them()
    {
        var result = Config($"{Pair}, \"curve_preferences\": [23, \"X25519\"], \"prefer_server_cipher_suites\": true");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("curve_preferences", warning.Message);
        Assert.Contains("prefer_server_cipher_suites", warning.Message);
        Assert.Equal([23, 29], result.Config!.Tls!.CurvePreferences.ToArray());
    }
}
