using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Net.Security;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Config.Tls;

namespace Cuttle.Config.Binding;

/// <summary>
/// The service's <c>tls</c> block (lura config.TLS, applied by lura transport/http/server) and <c>use_h2c</c>. Every
/// certificate, key and CA file is read here, so that <c>cuttle check</c> and start-up refuse what the server could
/// not serve, with the config node's position and the file's own name.
/// </summary>
internal sealed partial class ConfigBinder
{
    private static readonly FrozenSet<string> TlsKnown = FrozenSet.ToFrozenSet(
    [
        "disabled", "public_key", "private_key", "keys", "min_version", "max_version", "curve_preferences",
        "prefer_server_cipher_suites", "cipher_suites", "enable_mtls", "disable_system_ca_pool", "ca_certs",
    ], StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, TlsVersion> TlsVersions = new Dictionary<string, TlsVersion>(StringComparer.Ordinal)
    {
        ["SSL3.0"] = TlsVersion.Ssl30,
        ["TLS10"] = TlsVersion.Tls10,
        ["TLS11"] = TlsVersion.Tls11,
        ["TLS12"] = TlsVersion.Tls12,
        ["TLS13"] = TlsVersion.Tls13,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Go's crypto/tls cipher suites (CipherSuites() and InsecureCipherSuites()), by IANA id and Go name.</summary>
    private static readonly FrozenDictionary<string, TlsCipherSuite> GoCipherSuites = new Dictionary<string, TlsCipherSuite>(StringComparer.Ordinal)
    {
        ["TLS_RSA_WITH_RC4_128_SHA"] = TlsCipherSuite.TLS_RSA_WITH_RC4_128_SHA,
        ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"] = TlsCipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
        ["TLS_RSA_WITH_AES_128_CBC_SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        ["TLS_RSA_WITH_AES_256_CBC_SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        ["TLS_RSA_WITH_AES_128_CBC_SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
        ["TLS_RSA_WITH_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        ["TLS_RSA_WITH_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ["TLS_ECDHE_RSA_WITH_RC4_128_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_RC4_128_SHA,
        ["TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        // Go's legacy aliases.
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        // TLS 1.3: accepted, and as in Go always on whatever the list says.
        ["TLS_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        ["TLS_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        ["TLS_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>lura's defaultCipherSuites.</summary>
    internal static readonly ImmutableArray<TlsCipherSuite> DefaultCipherSuites =
    [
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>Go's tls.CurveID values by name (numbers are accepted as KrakenD reads them: []uint16).</summary>
    private static readonly FrozenDictionary<string, int> GoCurves = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["P256"] = 23, ["CurveP256"] = 23, ["P-256"] = 23, ["secp256r1"] = 23,
        ["P384"] = 24, ["CurveP384"] = 24, ["P-384"] = 24, ["secp384r1"] = 24,
        ["P521"] = 25, ["CurveP521"] = 25, ["P-521"] = 25, ["secp521r1"] = 25,
        ["X25519"] = 29,
        ["X25519MLKEM768"] = 4588,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>lura's defaultCurves: P-521, P-384, P-256.</summary>
    internal static readonly ImmutableArray<int> DefaultCurves = [25, 24, 23];

    private bool BindUseH2c(JsonNode root)
    {
        // lura wraps the handler in h2c when the service's use_h2c is set; gin's engine.Handler() does the same for
        // the router option, and lura serves engine.Handler(): either turns it on.
        if (Bool(root, "use_h2c", false))
            return true;
        return Namespace(root["extra_config"], "router") is { } r && r["use_h2c"] is { } n && ReadBool(n, "router.use_h2c", false, asError: false);
    }

    private ServerTlsOptions? BindServerTls(JsonNode? node)
    {
        if (node is not { Kind: JsonNodeKind.Object })
            return null; // absent, null, or a type error already reported
        LintUnknown(node, TlsKnown, "tls");
        bool B(string key) => node[key] is { } n && ReadBool(n, "tls." + key, false);
        if (B("disabled"))
            return null; // lura ParseTLSConfig: a disabled block is no block

        var keys = ImmutableArray.CreateBuilder<TlsKeyPairFiles>();
        if (node["keys"] is { } keysNode && ExpectKind(keysNode, JsonNodeKind.Array, "tls.keys"))
        {
            foreach (var item in keysNode.Items)
            {
                if (!ExpectKind(item, JsonNodeKind.Object, "tls.keys[]"))
                    continue;
                AddPair(keys, item);
            }
        }
        var single = node["public_key"] is not null || node["private_key"] is not null;
        if (single)
            AddPair(keys, node); // lura appends the single pair after keys
        if (keys.Count == 0 && !single)
            Error(node, "public key not defined: the tls block needs \"public_key\" and \"private_key\" (or a \"keys\" list of them), or \"disabled\": true");

        var min = BindTlsVersion(node, "min_version");
        var max = BindTlsVersion(node, "max_version");
        if (min > max)
            Error(node["min_version"] ?? node, $"tls.min_version {VersionName(min)} is above tls.max_version {VersionName(max)}: no handshake could succeed (an unset version is TLS13, as in KrakenD)");

        var ciphers = BindCipherSuites(node["cipher_suites"]);
        var curves = BindCurves(node["curve_preferences"]);
        var mtls = B("enable_mtls");
        var disableSystem = B("disable_system_ca_pool");
        var caCerts = node["ca_certs"] is { } ca ? ReadStringList(ca, "tls.ca_certs") : [];
        if (mtls)
        {
            for (var i = 0; i < caCerts.Length; i++)
            {
                var at = node["ca_certs"]!.Kind == JsonNodeKind.Array ? node["ca_certs"]!.Items[i] : node["ca_certs"]!;
                try
                {
                    foreach (var c in TlsFiles.LoadCaCertificates(caCerts[i])) c.Dispose();
                }
                catch (TlsFileException ex)
                {
                    ReportFile(ex, at);
                }
            }
        }

        // What .NET cannot do on this platform, named once, so that nobody believes a setting works that does not.
        var unhonoured = new List<string>();
        if (node["curve_preferences"] is { } cp && !curves.IsDefaultOrEmpty && cp.Kind != JsonNodeKind.Null)
            unhonoured.Add("curve_preferences (.NET offers no way to restrict the key-exchange groups; the platform's OpenSSL defaults apply)");
        if (B("prefer_server_cipher_suites"))
            unhonoured.Add("prefer_server_cipher_suites (KrakenD's Go ignores it too; the server's order is not enforced)");
        if (min < TlsVersion.Tls12)
            unhonoured.Add($"min_version {VersionName(min)} (SSL 3.0 is not available; TLS 1.0 and 1.1 only if the system's OpenSSL policy allows them)");
        if (unhonoured.Count > 0)
            Warning(node, "tls: settings Cuttle cannot honour on this platform: " + string.Join("; ", unhonoured));

        return new ServerTlsOptions
        {
            Keys = keys.ToImmutable(),
            MinVersion = min,
            MaxVersion = max,
            CipherSuites = ciphers.IsDefaultOrEmpty ? DefaultCipherSuites : ciphers,
            CurvePreferences = curves.IsDefaultOrEmpty ? DefaultCurves : curves,
            PreferServerCipherSuites = B("prefer_server_cipher_suites"),
            EnableMtls = mtls,
            DisableSystemCaPool = disableSystem,
            CaCerts = caCerts,
            Location = Loc(node),
        };
    }

    private void AddPair(ImmutableArray<TlsKeyPairFiles>.Builder keys, JsonNode pair)
    {
        var cert = pair["public_key"] is { } pk ? ReadString(pk, "public_key", "") ?? "" : "";
        var key = pair["private_key"] is { } sk ? ReadString(sk, "private_key", "") ?? "" : "";
        if (cert.Length == 0)
        {
            Error(pair["public_key"] ?? pair, "public key not defined: \"public_key\" must name the certificate's PEM file");
            return;
        }
        if (key.Length == 0)
        {
            Error(pair["private_key"] ?? pair, "private key not defined: \"private_key\" must name the private key's PEM file");
            return;
        }
        try
        {
            TlsFiles.LoadKeyPair(cert, key, TimeProvider.System.GetUtcNow()).Dispose();
        }
        catch (TlsFileException ex)
        {
            ReportFile(ex, ex.File == key ? pair["private_key"]! : pair["public_key"]!);
        }
        keys.Add(new TlsKeyPairFiles(cert, key, Loc(pair)));
    }

    /// <summary>
    /// A file that is there but unusable is an error. One that is not there is a warning: KrakenD's check reads no
    /// file, and a configuration is often checked where its mounted certificates are not (CI); <c>run</c> then
    /// refuses to start, and a reload is refused, naming the file.
    /// </summary>
    private void ReportFile(TlsFileException ex, JsonNode at)
    {
        if (ex.File.Length > 0 && !File.Exists(ex.File))
            Warning(at, ex.Message + "; the server will refuse to start (or to reload) until it exists");
        else
            Error(at, ex.Message);
    }

    private TlsVersion BindTlsVersion(JsonNode node, string field)
    {
        if (node[field] is not { } n || n.Kind == JsonNodeKind.Null)
            return TlsVersion.Tls13;
        var text = ReadString(n, "tls." + field, "") ?? "";
        if (text.Length == 0)
            return TlsVersion.Tls13;
        if (TlsVersions.TryGetValue(text, out var v))
            return v;
        // KrakenD quietly takes TLS13 for a name it does not know; a typo would then refuse every TLS 1.2 client.
        Error(n, $"unknown tls.{field} \"{text}\": expected one of SSL3.0, TLS10, TLS11, TLS12, TLS13");
        return TlsVersion.Tls13;
    }

    private static string VersionName(TlsVersion v) => v switch
    {
        TlsVersion.Ssl30 => "SSL3.0",
        TlsVersion.Tls10 => "TLS10",
        TlsVersion.Tls11 => "TLS11",
        TlsVersion.Tls12 => "TLS12",
        _ => "TLS13",
    };

    private ImmutableArray<TlsCipherSuite> BindCipherSuites(JsonNode? node)
    {
        if (node is null || node.Kind == JsonNodeKind.Null)
            return [];
        var items = node.Kind == JsonNodeKind.Array ? node.Items : [node];
        var b = ImmutableArray.CreateBuilder<TlsCipherSuite>(items.Length);
        foreach (var item in items)
        {
            var text = item.Kind is JsonNodeKind.String or JsonNodeKind.Number ? item.Text ?? "" : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && IsGoCipher(id))
                b.Add((TlsCipherSuite)id);
            else if (GoCipherSuites.TryGetValue(text, out var named))
                b.Add(named);
            else
                Error(item, $"unknown cipher suite {(item.Kind == JsonNodeKind.String ? "\"" + text + "\"" : text.Length > 0 ? text : item.KindName)} in tls.cipher_suites: expected an IANA number (as KrakenD reads them, e.g. 49199) or a Go name such as \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"");
        }
        return b.ToImmutable();
    }

    private static bool IsGoCipher(int id)
    {
        foreach (var value in GoCipherSuites.Values)
        {
            if ((int)value == id)
                return true;
        }
        return false;
    }

    private ImmutableArray<int> BindCurves(JsonNode? node)
    {
        if (node is null || node.Kind == JsonNodeKind.Null)
            return [];
        var items = node.Kind == JsonNodeKind.Array ? node.Items : [node];
        var b = ImmutableArray.CreateBuilder<int>(items.Length);
        foreach (var item in items)
        {
            var text = item.Kind is JsonNodeKind.String or JsonNodeKind.Number ? item.Text ?? "" : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && GoCurves.Values.Contains(id))
                b.Add(id);
            else if (GoCurves.TryGetValue(text, out var named))
                b.Add(named);
            else
                Error(item, $"unknown curve {(item.Kind == JsonNodeKind.String ? "\"" + text + "\"" : text.Length > 0 ? text : item.KindName)} in tls.curve_preferences: expected a Go curve id (23 P-256, 24 P-384, 25 P-521, 29 X25519, 4588 X25519MLKEM768) or its name");
        }
        return b.ToImmutable();
    }
}
