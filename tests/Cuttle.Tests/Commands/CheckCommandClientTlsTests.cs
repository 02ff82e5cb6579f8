using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary><c>cuttle check</c> on bad client_tls files: positioned errors naming each file, exit 1, never a stack trace.</summary>
public sealed class CheckCommandClientTlsTests : IDisposable
{
    private readonly TestCertificates _pki = new();

    public void Dispose() => _pki.Dispose();

    private Task<(int Code, string Out, string Err)> CheckAsync(string path) =>
        CuttleCli.RunAsync(_pki.Directory, null, "check", "-c", path);

    [Fact]
    public async Task Check_reports_every_bad_client_tls_file_at_its_position()
    {
        var garbage = _pki.Write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        var config = _pki.Write("tls.json", $$"""
            {
              "version": 3,
              "client_tls": {
                "ca_certs": ["{{garbage}}", "{{_pki.ServerPem}}"],
                "min_version": "TLS1.2",
                "cipher_suites": [4242],
                "client_certs": [{"certificate": "{{_pki.ClientPem}}", "private_key": "{{_pki.ServerKeyPem}}"}]
              },
              "endpoints": []
            }
            """);

        var (code, _, stderr) = await CheckAsync(config);

        Assert.Equal(1, code);
        Assert.Contains($"tls.json:4:18: error: \"client_tls.ca_certs[0]\": {garbage}:1: malformed PEM block", stderr, StringComparison.Ordinal);
        Assert.Contains($"tls.json:4:", stderr, StringComparison.Ordinal);
        Assert.Contains($"{_pki.ServerPem}:1: \"CN=127.0.0.1\" is not a CA certificate", stderr, StringComparison.Ordinal);
        Assert.Contains("tls.json:5:20: error: unknown TLS version \"TLS1.2\"", stderr, StringComparison.Ordinal);
        Assert.Contains("tls.json:6:23: error: unknown cipher suite 4242", stderr, StringComparison.Ordinal);
        Assert.Contains($"tls.json:7:", stderr, StringComparison.Ordinal);
        Assert.Contains($"{_pki.ServerKeyPem}:1: the ECDSA private key does not match the certificate in {_pki.ClientPem}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }
}
