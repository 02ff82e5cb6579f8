using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Cuttle.Config.Model;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// Turns <c>client_tls</c> into the SslClientAuthenticationOptions both transports use, as lura's
/// ParseClientTLSConfig builds Go's tls.Config: InsecureSkipVerify, a root pool of the system roots (unless
/// disabled) plus <c>ca_certs</c>, the version range, the TLS 1.2 cipher suites and the client certificates.
/// Go's curve preferences have no .NET counterpart; the binder warns about them.
/// </summary>
internal static class BackendTls
{
    /// <summary>The TLS 1.3 suites, which Go always offers and does not let cipher_suites restrict.</summary>
    private static readonly TlsCipherSuite[] Tls13Suites =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    /// <summary>lura's defaultCipherSuites (TLS 1.2), used when cipher_suites is empty.</summary>
    private static readonly int[] DefaultSuites = [0xc02f, 0xc02b, 0xc030, 0xc02c, 0xcca8, 0xcca9];

    /// <summary>Options without a target host (SocketsHttpHandler sets it per connection); null when client_tls is not configured.</summary>
    public static SslClientAuthenticationOptions? Create(ClientTlsOptions? tls)
    {
        if (tls is null) return null;
        var options = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = tls.Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck, // Go checks no revocation either
            RemoteCertificateValidationCallback = Validator(tls),
        };
        if ((tls.Protocols & ~SslProtocols.Tls13) != 0 && !OperatingSystem.IsWindows())
        {
            // Go applies cipher_suites (or lura's default six) to TLS 1.2 and below only; OpenSSL's policy covers
            // TLS 1.3 too, so its suites are added to keep TLS 1.3 possible.
            var suites = new List<TlsCipherSuite>(Tls13Suites);
            foreach (var id in tls.CipherSuites.IsDefaultOrEmpty ? DefaultSuites : [.. tls.CipherSuites])
            {
                if (!suites.Contains((TlsCipherSuite)id)) suites.Add((TlsCipherSuite)id);
            }
            options.CipherSuitesPolicy = new CipherSuitesPolicy(suites);
        }
        if (tls.ClientCertificates.Length == 1)
        {
            var only = tls.ClientCertificates[0];
            options.ClientCertificateContext = SslStreamCertificateContext.Create(only.Certificate, [.. only.Chain], offline: true);
        }
        else if (tls.ClientCertificates.Length > 1)
        {
            // Several: the TLS stack picks the first whose issuer the backend accepts, as Go picks the first that fits.
            var collection = new X509CertificateCollection();
            foreach (var c in tls.ClientCertificates) collection.Add(c.Certificate);
            options.ClientCertificates = collection;
        }
        return options;
    }

    /// <summary>A copy for one backend host (the SNI name and the name checked against its certificate).</summary>
    public static SslClientAuthenticationOptions ForHost(SslClientAuthenticationOptions? template, string host) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = template?.EnabledSslProtocols ?? SslProtocols.None,
        CertificateRevocationCheckMode = template?.CertificateRevocationCheckMode ?? X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = template?.RemoteCertificateValidationCallback,
        CipherSuitesPolicy = template?.CipherSuitesPolicy,
        ClientCertificateContext = template?.ClientCertificateContext,
        ClientCertificates = template?.ClientCertificates,
    };

    /// <summary>
    /// Go's verification against RootCAs: the host name must match, and the chain must end at a system root (unless
    /// disable_system_ca_pool) or at one of ca_certs. The platform's own verdict covers the system roots; a chain it
    /// refused is built again against ca_certs alone.
    /// </summary>
    private static RemoteCertificateValidationCallback Validator(ClientTlsOptions tls)
    {
#pragma warning disable CA5359 // allow_insecure_connections is the user's explicit request to skip verification (Go's InsecureSkipVerify)
        if (tls.AllowInsecureConnections) return static (_, _, _, _) => true;
#pragma warning restore CA5359
        var roots = new X509Certificate2Collection();
        foreach (var ca in tls.CaCertificates) roots.Add(ca);
        var useSystem = tls.UseSystemCaPool;
        return (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None && useSystem) return true;
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0) return false;
            if (roots.Count == 0) return false;
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(roots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                // The intermediates the backend sent, so a chain through them reaches a ca_certs root.
                for (var i = 1; i < chain.ChainElements.Count; i++) custom.ChainPolicy.ExtraStore.Add(chain.ChainElements[i].Certificate);
            }
            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return custom.Build(leaf);
        };
    }
}
