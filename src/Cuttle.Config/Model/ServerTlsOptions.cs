using System.Collections.Immutable;
using System.Net.Security;

namespace Cuttle.Config.Model;

/// <summary>
/// The service's <c>tls</c> block (lura config.TLS) with KrakenD's defaults applied (lura transport/http/server): null
/// on <see cref="GatewayConfig.Tls"/> when the block is absent or <c>disabled</c>. Every file named here was read and
/// checked when the configuration was bound; the host reads them again when they change on disk.
/// </summary>
public sealed record ServerTlsOptions
{
    /// <summary>
    /// The certificates, in lura's order: <c>keys</c> first, then the single <c>public_key</c>/<c>private_key</c> pair.
    /// The first is served when the client's SNI name matches none (Go's crypto/tls picks the same way).
    /// </summary>
    public ImmutableArray<TlsKeyPairFiles> Keys { get; init; } = [];

    /// <summary>Unset or omitted: TLS 1.3, as lura's parseTLSVersion.</summary>
    public TlsVersion MinVersion { get; init; } = TlsVersion.Tls13;
    public TlsVersion MaxVersion { get; init; } = TlsVersion.Tls13;

    /// <summary>TLS 1.0-1.2 suites (lura's six ECDHE AES-GCM/ChaCha20 when unset). TLS 1.3's suites are always on, as in Go.</summary>
    public ImmutableArray<TlsCipherSuite> CipherSuites { get; init; } = [];

    /// <summary>Go curve ids (lura's P-521, P-384, P-256 when unset); .NET cannot restrict them, see the README.</summary>
    public ImmutableArray<int> CurvePreferences { get; init; } = [];

    public bool PreferServerCipherSuites { get; init; }

    /// <summary>enable_mtls: every client must present a certificate that chains to <see cref="CaCerts"/>, the served certificates or (unless <see cref="DisableSystemCaPool"/>) the system's roots.</summary>
    public bool EnableMtls { get; init; }
    public bool DisableSystemCaPool { get; init; }
    public ImmutableArray<string> CaCerts { get; init; } = [];

    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>One certificate (PEM, leaf first, then its chain) and its private key (PEM), as written in the configuration.</summary>
public sealed record TlsKeyPairFiles(string PublicKey, string PrivateKey, SourceLocation Location);

/// <summary>The protocol versions KrakenD names in min_version/max_version (values are the wire numbers).</summary>
public enum TlsVersion
{
    Ssl30 = 0x0300,
    Tls10 = 0x0301,
    Tls11 = 0x0302,
    Tls12 = 0x0303,
    Tls13 = 0x0304,
}
