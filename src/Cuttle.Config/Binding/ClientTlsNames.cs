using System.Collections.Frozen;
using System.Security.Authentication;

namespace Cuttle.Config.Binding;

/// <summary>
/// The values lura's client TLS parsing understands (transport/http/server/server.go): version names, and the uint16
/// ids of Go's crypto/tls cipher suites (tls.CipherSuites and tls.InsecureCipherSuites) and curves. KrakenD's
/// <c>cipher_suites</c> and <c>curve_preferences</c> are numbers; the names here only make the errors readable.
/// </summary>
internal static class ClientTlsNames
{
    /// <summary>Go's VersionSSL30 is below anything crypto/tls still speaks, so it means TLS 1.0 as a minimum.</summary>
    public static readonly FrozenDictionary<string, (int Rank, SslProtocols Protocol)> Versions = new Dictionary<string, (int, SslProtocols)>
    {
        ["SSL3.0"] = (0, (SslProtocols)0xC0), // Tls (obsolete name)
        ["TLS10"] = (1, (SslProtocols)0xC0),
        ["TLS11"] = (2, (SslProtocols)0x300), // Tls11 (obsolete name)
        ["TLS12"] = (3, SslProtocols.Tls12),
        ["TLS13"] = (4, SslProtocols.Tls13),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public const string VersionList = "\"TLS10\", \"TLS11\", \"TLS12\" or \"TLS13\"";

    public static readonly FrozenDictionary<int, string> CipherSuites = new Dictionary<int, string>
    {
        [0x0005] = "TLS_RSA_WITH_RC4_128_SHA",
        [0x000a] = "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        [0x002f] = "TLS_RSA_WITH_AES_128_CBC_SHA",
        [0x0035] = "TLS_RSA_WITH_AES_256_CBC_SHA",
        [0x003c] = "TLS_RSA_WITH_AES_128_CBC_SHA256",
        [0x009c] = "TLS_RSA_WITH_AES_128_GCM_SHA256",
        [0x009d] = "TLS_RSA_WITH_AES_256_GCM_SHA384",
        [0xc007] = "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        [0xc009] = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        [0xc00a] = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        [0xc011] = "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        [0xc012] = "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        [0xc013] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        [0xc014] = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        [0xc023] = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        [0xc027] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        [0xc02f] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        [0xc02b] = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        [0xc030] = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        [0xc02c] = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        [0xcca8] = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        [0xcca9] = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        [0x1301] = "TLS_AES_128_GCM_SHA256",
        [0x1302] = "TLS_AES_256_GCM_SHA384",
        [0x1303] = "TLS_CHACHA20_POLY1305_SHA256",
    }.ToFrozenDictionary();

    /// <summary>lura's defaultCipherSuites, used when <c>cipher_suites</c> is empty.</summary>
    public static readonly int[] DefaultCipherSuites = [0xc02f, 0xc02b, 0xc030, 0xc02c, 0xcca8, 0xcca9];

    public static readonly FrozenDictionary<int, string> Curves = new Dictionary<int, string>
    {
        [23] = "CurveP256",
        [24] = "CurveP384",
        [25] = "CurveP521",
        [29] = "X25519",
        [4588] = "X25519MLKEM768",
    }.ToFrozenDictionary();

    /// <summary>The id of a cipher suite written by name (Go's constant or its legacy alias without _SHA256), or -1.</summary>
    public static int CipherSuiteId(string name)
    {
        foreach (var (id, known) in CipherSuites)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase) || string.Equals(known, name + "_SHA256", StringComparison.OrdinalIgnoreCase))
                return id;
        }
        return -1;
    }

    /// <summary>The id of a curve written by name (Go's constant, or P-256 style), or -1.</summary>
    public static int CurveId(string name)
    {
        var n = name.Replace("-", "", StringComparison.Ordinal);
        foreach (var (id, known) in Curves)
        {
            if (string.Equals(known, n, StringComparison.OrdinalIgnoreCase) || string.Equals(known, "Curve" + n, StringComparison.OrdinalIgnoreCase))
                return id;
        }
        return -1;
    }
}
