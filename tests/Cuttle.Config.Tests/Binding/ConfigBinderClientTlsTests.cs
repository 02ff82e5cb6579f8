using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>
/// client_tls: lura's keys and defaults, and every bad input reported at its config position with the PEM file's
/// own name (and the line of the block in it) instead of an exception.
/// </summary>
public sealed class ConfigBinderClientTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-client-tls-").FullName;
    private readonly string _ca;
    private readonly string _leaf;
    private readonly string _clientCert;
    private readonly string _clientKey;
    private readonly string _otherKey;
    private readonly string _rsaKey;

    public ConfigBinderClientTlsTests()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=client", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var leaf = leafRequest.Create(ca, ca.NotBefore, ca.NotAfter.AddDays(-1), [1, 2, 3]);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        _ca = Write("ca.pem", ca.ExportCertificatePem());
        _leaf = Write("leaf.pem", leaf.ExportCertificatePem());
        _clientCert = _leaf;
        _clientKey = Write("leaf-key.pem", leafKey.ExportPkcs8PrivateKeyPem());
        _otherKey = Write("other-key.pem", other.ExportPkcs8PrivateKeyPem());
        _rsaKey = Write("rsa-key.pem", rsa.ExportRSAPrivateKeyPem());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    // client_tls is on line 2, at column 15.
    private static ConfigLoadResult Config(string clientTls, string root = "") => Parse($$"""
        {"version": 3, {{root}}
          "client_tls": {{clientTls}},
          "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/", "host": ["https://h"]}]}]}
        """);

    private static string Error(ConfigLoadResult result)
    {
        var d = SingleError(result);
        Assert.Equal("krakend.json", d.Location.File);
        Assert.Equal(2, d.Location.Line);
        return d.Message;
    }

    [Fact]
    public void Absent_client_tls_leaves_the_platform_defaults()
    {
        var result = Parse("""{"version": 3, "endpoints": []}""");
        Assert.True(result.Success);
        Assert.Null(result.Config!.ClientTls);
    }

    [Fact]
    public void A_block_takes_luras_defaults_tls13_only_and_the_system_roots()
    {
        var result = Config("""{"allow_insecure_connections": true}""");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var tls = result.Config!.ClientTls!;
        Assert.True(tls.AllowInsecureConnections);
        Assert.True(tls.UseSystemCaPool);
        Assert.Equal(SslProtocols.Tls13, tls.Protocols);
        Assert.Empty(tls.CaCertificates);
        Assert.Empty(tls.ClientCertificates);
    }

    [Fact]
    public void The_legacy_root_field_creates_the_block()
    {
        var result = Parse("""{"version": 3, "allow_insecure_connections": true, "endpoints": []}""");
        Assert.True(result.Success);
        Assert.True(result.Config!.ClientTls!.AllowInsecureConnections);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var result = Config($$"""
            {"ca_certs": ["{{_ca}}"], "disable_system_ca_pool": true, "min_version": "TLS12", "max_version": "TLS13",
             "cipher_suites": [49199, "0xc02b"], "curve_preferences": [23, 29],
             "client_certs": [{"certificate": "{{_clientCert}}", "private_key": "{{_clientKey}}"}]}
            """);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var tls = result.Config!.ClientTls!;
        Assert.False(tls.UseSystemCaPool);
        Assert.Equal("CN=Test CA", Assert.Single(tls.CaCertificates).Subject);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.Protocols);
        Assert.Equal<int>([0xc02f, 0xc02b], tls.CipherSuites);
        Assert.Equal<int>([23, 29], tls.CurvePreferences);
        var client = Assert.Single(tls.ClientCertificates);
        Assert.True(client.Certificate.HasPrivateKey);
        // Curves cannot be applied on .NET: a warning says so.
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("curve_preferences", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_ca_file_is_an_error_naming_it()
        => Assert.Contains("cannot read /nonexistent/ca.pem", Error(Config("""{"ca_certs": ["/nonexistent/ca.pem"]}""")), StringComparison.Ordinal);

    [Fact]
    public void A_ca_file_without_pem_is_an_error_naming_it()
    {
        var path = Write("notpem.pem", "hello\n");
        var message = Error(Config($$"""{"ca_certs": ["{{path}}"]}"""));
        Assert.Contains($"{path}: no CERTIFICATE block found", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_pem_block_is_an_error_with_its_line()
    {
        var path = Write("broken.pem", "# comment\n\n-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n");
        var message = Error(Config($$"""{"ca_certs": ["{{path}}"]}"""));
        Assert.Contains($"{path}:3: malformed PEM block \"-----BEGIN CERTIFICATE-----\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_file_holding_a_key_says_so()
    {
        var message = Error(Config($$"""{"ca_certs": ["{{_clientKey}}"]}"""));
        Assert.Contains("no CERTIFICATE block found (it holds PRIVATE KEY", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_file_that_is_not_a_ca_is_an_error()
    {
        var message = Error(Config($$"""{"ca_certs": ["{{_leaf}}"]}"""));
        Assert.Contains($"{_leaf}:1: \"CN=client\" is not a CA certificate (basicConstraints CA:FALSE", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_match_the_certificate_is_an_error()
    {
        var message = Error(Config($$"""{"client_certs": [{"certificate": "{{_clientCert}}", "private_key": "{{_otherKey}}"}]}"""));
        Assert.Contains($"{_otherKey}:1: the ECDSA private key does not match the certificate in {_clientCert}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_another_algorithm_is_an_error()
    {
        var message = Error(Config($$"""{"client_certs": [{"certificate": "{{_clientCert}}", "private_key": "{{_rsaKey}}"}]}"""));
        Assert.Contains("the RSA private key does not match the certificate", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Swapped_certificate_and_key_are_an_error()
    {
        var result = Config($$"""{"client_certs": [{"certificate": "{{_clientKey}}", "private_key": "{{_clientCert}}"}]}""");
        Assert.False(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("are the certificate and the key swapped?", StringComparison.Ordinal));
        Assert.All(result.Diagnostics, d => Assert.Equal(2, d.Location.Line));
    }

    [Fact]
    public void A_client_cert_without_its_key_is_an_error()
        => Assert.Contains("needs both \"certificate\" and \"private_key\"", Error(Config($$"""{"client_certs": [{"certificate": "{{_clientCert}}"}]}""")), StringComparison.Ordinal);

    [Theory]
    [InlineData("\"min_version\": \"TLS1.2\"", "unknown TLS version \"TLS1.2\" for \"client_tls.min_version\": expected \"TLS10\", \"TLS11\", \"TLS12\" or \"TLS13\" (did you mean \"TLS12\"?)")]
    [InlineData("\"max_version\": \"1.3\"", "unknown TLS version \"1.3\"")]
    [InlineData("\"min_version\": \"TLS13\", \"max_version\": \"TLS12\"", "\"client_tls.min_version\" TLS13 is above \"client_tls.max_version\" TLS12")]
    [InlineData("\"max_version\": \"TLS12\"", "\"client_tls.min_version\" TLS13 is above \"client_tls.max_version\" TLS12 (an unset one means TLS13)")]
    [InlineData("\"cipher_suites\": [\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]", "KrakenD reads cipher suites as numbers; write 49199 for TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")]
    [InlineData("\"cipher_suites\": [\"TLS_MADE_UP\"]", "unknown cipher suite \"TLS_MADE_UP\"")]
    [InlineData("\"cipher_suites\": [1234]", "unknown cipher suite 1234 in \"client_tls.cipher_suites[0]\"")]
    [InlineData("\"curve_preferences\": [\"P-256\"]", "KrakenD reads curves as numbers; write 23 for CurveP256")]
    [InlineData("\"curve_preferences\": [99]", "unknown curve 99")]
    public void Unknown_versions_ciphers_and_curves_are_errors(string fields, string message)
        => Assert.Contains(message, Error(Config("{" + fields + "}")), StringComparison.Ordinal);
}
