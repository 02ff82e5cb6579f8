using System.Collections.Immutable;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Cuttle.Config.Model;

/// <summary>
/// The service's <c>client_tls</c> (lura <c>config.ClientTLS</c>): how the gateway speaks TLS to https backends. The
/// binder reads and checks the PEM files once, so the certificates here are loaded and a reload re-reads them;
/// <see cref="Identity"/> names the settings and the files' contents, so a pool is handed to the next generation only
/// when neither changed. Null on <see cref="GatewayConfig"/> when neither <c>client_tls</c> nor the legacy root
/// <c>allow_insecure_connections</c> is set: then Go's (and .NET's) defaults apply, TLS 1.2 to 1.3 against the system
/// roots.
/// </summary>
public sealed record ClientTlsOptions
{
    /// <summary>Go's InsecureSkipVerify: any server certificate is accepted.</summary>
    public bool AllowInsecureConnections { get; init; }

    /// <summary>Whether the system roots are trusted besides <see cref="CaCertificates"/> (Go: the pool starts as x509.SystemCertPool()).</summary>
    public bool UseSystemCaPool { get; init; } = true;

    /// <summary>Every certificate of every <c>ca_certs</c> file, trusted as a root.</summary>
    public ImmutableArray<X509Certificate2> CaCertificates { get; init; } = [];

    /// <summary>
    /// The versions from <c>min_version</c> to <c>max_version</c>. lura's parseTLSVersion turns an unset (or unknown)
    /// one into TLS 1.3, so a <c>client_tls</c> block without them offers TLS 1.3 only.
    /// </summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.Tls13;

    /// <summary>IANA ids of <c>cipher_suites</c> (Go's uint16 values); empty means lura's six ECDHE AES-GCM/ChaCha20 suites.</summary>
    public ImmutableArray<int> CipherSuites { get; init; } = [];

    /// <summary>Go curve ids of <c>curve_preferences</c>, checked; the key exchange groups themselves are OpenSSL's.</summary>
    public ImmutableArray<int> CurvePreferences { get; init; } = [];

    /// <summary><c>client_certs</c>: each a certificate with its private key, presented to a backend that asks for one.</summary>
    public ImmutableArray<ClientCertificate> ClientCertificates { get; init; } = [];

    /// <summary>A text that differs whenever a setting or a loaded file's content differs (pool reuse across reloads).</summary>
    public string Identity { get; init; } = "";

    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>One <c>client_certs</c> entry: the leaf with its private key and the rest of the certificate file (its chain).</summary>
public sealed record ClientCertificate(X509Certificate2 Certificate, ImmutableArray<X509Certificate2> Chain, string CertificatePath);
