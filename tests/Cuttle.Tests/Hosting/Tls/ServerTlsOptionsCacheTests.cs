using System.Net.Security;
using System.Security.Authentication;
using Cuttle.Config.Model;
using Cuttle.Gateway;
using Cuttle.Hosting.Tls;
using Cuttle.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cuttle.Tests.Hosting.Tls;

/// <summary>
/// What a handshake costs the listener: the options Kestrel's callback returns are built once per certificate and
/// snapshot (the same object for every connection, a new one after a rotation), and the default TLS 1.3-only listener
/// sets no cipher policy, so that SslStream keeps one OpenSSL context per certificate, with its session cache.
/// </summary>
public sealed class ServerTlsOptionsCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-tls-options-").FullName;
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create();

    public void Dispose()
    {
        _ca.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private TlsKeyPairFiles Pair(TestCertificate certificate, string name)
    {
        var (cert, key) = certificate.WriteTo(Path.Combine(_dir, name));
        return new TlsKeyPairFiles(cert, key, SourceLocation.None);
    }

    // Kestrel fills the client hello in; a context made here has none (no SNI name), which picks the first certificate.
    private static TlsHandshakeCallbackContext Hello() => new();

    [Fact]
    public async Task Every_handshake_of_a_snapshot_gets_the_same_options_of_its_sni_certificate_and_a_rotation_new_ones()
    {
        using var a = _ca.IssueServer("a.example");
        using var b = _ca.IssueServer("b.example");
        var options = new ServerTlsOptions { Keys = [Pair(a, "a"), Pair(b, "b")] };
        await using var tls = ServerTls.Start(options, NullLoggerFactory.Instance, TimeProvider.System, new ReloadStatusSource());

        var first = await tls.OnConnectionAsync(Hello());
        var again = await tls.OnConnectionAsync(Hello());
        var sni = tls.Material.OptionsFor("b.example");

        Assert.Same(first, again);
        Assert.Equal(a.Serial, first.ServerCertificateContext!.TargetCertificate.SerialNumber);
        Assert.Equal(b.Serial, sni.ServerCertificateContext!.TargetCertificate.SerialNumber);
        Assert.Same(sni, tls.Material.OptionsFor("B.EXAMPLE"));
        Assert.Equal([SslApplicationProtocol.Http2, SslApplicationProtocol.Http11], first.ApplicationProtocols!);
        Assert.False(first.ClientCertificateRequired);

        await tls.ReloadFilesAsync();
        var rotated = await tls.OnConnectionAsync(Hello());
        Assert.NotSame(first, rotated);
        Assert.Same(rotated, await tls.OnConnectionAsync(Hello()));
    }

    [Fact]
    public async Task The_tls13_only_default_sets_no_cipher_policy_and_tls12_keeps_the_configured_suites()
    {
        using var a = _ca.IssueServer("localhost");
        await using var tls13 = ServerTls.Start(new ServerTlsOptions { Keys = [Pair(a, "a")] }, NullLoggerFactory.Instance, TimeProvider.System, new ReloadStatusSource());
        await using var tls12 = ServerTls.Start(new ServerTlsOptions { Keys = [Pair(a, "a")], MinVersion = TlsVersion.Tls12 },
            NullLoggerFactory.Instance, TimeProvider.System, new ReloadStatusSource());

        var options13 = await tls13.OnConnectionAsync(Hello());
        var options12 = await tls12.OnConnectionAsync(Hello());

        Assert.Equal(SslProtocols.Tls13, options13.EnabledSslProtocols);
        Assert.Null(options13.CipherSuitesPolicy);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options12.EnabledSslProtocols);
        if (!OperatingSystem.IsWindows()) Assert.NotNull(options12.CipherSuitesPolicy);
    }

    [Fact]
    public async Task With_mtls_every_handshake_asks_for_a_client_certificate_and_validates_it()
    {
        using var a = _ca.IssueServer("localhost");
        var options = new ServerTlsOptions { Keys = [Pair(a, "a")], EnableMtls = true, DisableSystemCaPool = true };
        await using var tls = ServerTls.Start(options, NullLoggerFactory.Instance, TimeProvider.System, new ReloadStatusSource());

        var first = await tls.OnConnectionAsync(Hello());

        Assert.True(first.ClientCertificateRequired);
        Assert.NotNull(first.RemoteCertificateValidationCallback);
        Assert.Same(first, await tls.OnConnectionAsync(Hello()));
    }
}
