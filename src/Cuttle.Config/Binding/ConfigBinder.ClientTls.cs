using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Cuttle.Config.Json;
using Cuttle.Config.Model;
using Cuttle.Go;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    private static readonly FrozenSet<string> ClientTlsKnown = FrozenSet.ToFrozenSet(
    [
        "allow_insecure_connections", "ca_certs", "disable_system_ca_pool", "min_version", "max_version",
        "curve_preferences", "cipher_suites", "client_certs",
    ], StringComparer.Ordinal);

    /// <summary>
    /// The root <c>client_tls</c>, with the legacy root <c>allow_insecure_connections</c> copied into it as lura's
    /// InitHTTPDefaultTransport does (creating an empty block when there is none). KrakenD logs an unreadable CA or
    /// key pair and carries on without it, and parses an unknown version as TLS 1.3; here each of them is an error
    /// that names the config position and the file, so a gateway never starts with a trust or identity it was not
    /// given.
    /// </summary>
    private ClientTlsOptions? BindClientTls(JsonNode root)
    {
        var node = root["client_tls"] is { Kind: JsonNodeKind.Object } n ? n : null;
        var legacyInsecure = root["allow_insecure_connections"] is { } li && Quiet(() => ReadBool(li, "allow_insecure_connections", false));
        if (node is null)
            return legacyInsecure ? new ClientTlsOptions { AllowInsecureConnections = true, Identity = "insecure", Location = Loc(root["allow_insecure_connections"]!) } : null;
        LintUnknown(node, ClientTlsKnown, "client_tls");

        var identity = new StringBuilder();
        var insecure = (node["allow_insecure_connections"] is { } ai && ReadBool(ai, "client_tls.allow_insecure_connections", false)) || legacyInsecure;
        var useSystem = !(node["disable_system_ca_pool"] is { } ds && ReadBool(ds, "client_tls.disable_system_ca_pool", false));
        identity.Append(CultureInfo.InvariantCulture, $"insecure={insecure};system={useSystem};");

        var protocols = BindTlsVersions(node, identity);
        var ciphers = BindTlsIds(node, "cipher_suites", ClientTlsNames.CipherSuites, ClientTlsNames.CipherSuiteId, "cipher suite", identity);
        var curves = BindTlsIds(node, "curve_preferences", ClientTlsNames.Curves, ClientTlsNames.CurveId, "curve", identity);
        if (!curves.IsEmpty)
            Warning(node["curve_preferences"]!, "\"client_tls.curve_preferences\" is checked but not applied: the key exchange groups offered to backends are OpenSSL's defaults");

        var cas = ImmutableArray.CreateBuilder<X509Certificate2>();
        if (node["ca_certs"] is { } caNode)
        {
            var paths = ReadStringList(caNode, "client_tls.ca_certs");
            for (var i = 0; i < paths.Length; i++)
            {
                var at = caNode.Kind == JsonNodeKind.Array && i < caNode.Items.Length ? caNode.Items[i] : caNode;
                if (ReadPemFile(at, $"client_tls.ca_certs[{i}]", paths[i], identity) is { } pem)
                    LoadCaCertificates(at, $"client_tls.ca_certs[{i}]", pem, cas);
            }
        }

        var clientCerts = ImmutableArray.CreateBuilder<ClientCertificate>();
        if (node["client_certs"] is { } ccNode && ExpectKind(ccNode, JsonNodeKind.Array, "client_tls.client_certs"))
        {
            for (var i = 0; i < ccNode.Items.Length; i++)
            {
                var entry = ccNode.Items[i];
                var field = $"client_tls.client_certs[{i}]";
                if (!ExpectKind(entry, JsonNodeKind.Object, field))
                    continue;
                if (BindClientCertificate(entry, field, identity) is { } cc)
                    clientCerts.Add(cc);
            }
        }

        return new ClientTlsOptions
        {
            AllowInsecureConnections = insecure,
            UseSystemCaPool = useSystem,
            CaCertificates = cas.ToImmutable(),
            Protocols = protocols,
            CipherSuites = ciphers,
            CurvePreferences = curves,
            ClientCertificates = clientCerts.ToImmutable(),
            Identity = identity.ToString(),
            Location = Loc(node),
        };
    }

    private SslProtocols BindTlsVersions(JsonNode node, StringBuilder identity)
    {
        var min = ReadTlsVersion(node, "min_version");
        var max = ReadTlsVersion(node, "max_version");
        if (min.Rank > max.Rank)
        {
            Error(node["min_version"] ?? node, $"\"client_tls.min_version\" {min.Name} is above \"client_tls.max_version\" {max.Name} (an unset one means TLS13): no TLS version could be negotiated with a backend");
            return SslProtocols.Tls13;
        }
        var protocols = SslProtocols.None;
        foreach (var (_, v) in ClientTlsNames.Versions)
        {
            if (v.Rank >= min.Rank && v.Rank <= max.Rank)
                protocols |= v.Protocol;
        }
        identity.Append(CultureInfo.InvariantCulture, $"protocols={(int)protocols};");
        return protocols;
    }

    /// <summary>lura's parseTLSVersion: unset (or empty) is TLS13; an unknown name, which lura also turns into TLS13, is an error here.</summary>
    private (int Rank, string Name) ReadTlsVersion(JsonNode node, string key)
    {
        if (node[key] is not { } v || ReadString(v, $"client_tls.{key}", "") is not { Length: > 0 } name)
            return (4, "TLS13");
        if (ClientTlsNames.Versions.TryGetValue(name, out var version))
            return (version.Rank, name);
        var hint = name.Replace(".", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Replace("v", "", StringComparison.OrdinalIgnoreCase).ToUpperInvariant();
        var suggestion = ClientTlsNames.Versions.ContainsKey(hint) ? $" (did you mean \"{hint}\"?)" : "";
        Error(v, $"unknown TLS version \"{name}\" for \"client_tls.{key}\": expected {ClientTlsNames.VersionList}{suggestion}");
        return (4, "TLS13");
    }

    /// <summary>
    /// <c>cipher_suites</c> or <c>curve_preferences</c>: Go's uint16 ids, as KrakenD decodes them. A name where an id
    /// belongs is an error that gives the id; an id Go does not know is an error too (Go would drop it silently, and a
    /// list left empty fails every handshake).
    /// </summary>
    private ImmutableArray<int> BindTlsIds(JsonNode node, string key, FrozenDictionary<int, string> known, Func<string, int> byName, string what,
        StringBuilder identity)
    {
        if (node[key] is not { } list || !ExpectKind(list, JsonNodeKind.Array, $"client_tls.{key}"))
            return [];
        var ids = ImmutableArray.CreateBuilder<int>(list.Items.Length);
        for (var i = 0; i < list.Items.Length; i++)
        {
            var item = list.Items[i];
            var field = $"client_tls.{key}[{i}]";
            if (item.Kind == JsonNodeKind.String && !GoStrconv.TryParseInt(item.Text!, out _))
            {
                var id = byName(item.Text!);
                Error(item, id >= 0
                    ? $"\"{field}\": KrakenD reads {what}s as numbers; write {id} for {known[id]}"
                    : $"unknown {what} \"{item.Text}\" in \"{field}\": KrakenD reads {what}s as Go's numeric ids, e.g. {Examples(known)}");
                continue;
            }
            var value = ReadLong(item, field, -1);
            if (value < 0)
                continue;
            if (!known.ContainsKey((int)Math.Min(value, int.MaxValue)))
            {
                Error(item, $"unknown {what} {value} in \"{field}\": Go's crypto/tls knows {Examples(known)}");
                continue;
            }
            ids.Add((int)value);
            identity.Append(CultureInfo.InvariantCulture, $"{key}={value};");
        }
        return ids.ToImmutable();
    }

    private static string Examples(FrozenDictionary<int, string> known)
    {
        var sb = new StringBuilder();
        foreach (var (id, name) in known.OrderBy(p => p.Key))
        {
            if (sb.Length > 0)
                sb.Append(", ");
            sb.Append(CultureInfo.InvariantCulture, $"{id} ({name})");
        }
        return sb.ToString();
    }

    private ClientCertificate? BindClientCertificate(JsonNode entry, string field, StringBuilder identity)
    {
        var certNode = entry["certificate"];
        var keyNode = entry["private_key"];
        var certPath = certNode is null ? "" : ReadString(certNode, $"{field}.certificate", "") ?? "";
        var keyPath = keyNode is null ? "" : ReadString(keyNode, $"{field}.private_key", "") ?? "";
        if (certPath.Length == 0 || keyPath.Length == 0)
        {
            Error(certPath.Length == 0 ? certNode ?? entry : keyNode ?? entry,
                $"\"{field}\" needs both \"certificate\" and \"private_key\" (paths to PEM files)");
            return null;
        }
        var certPem = ReadPemFile(certNode!, $"{field}.certificate", certPath, identity);
        var keyPem = ReadPemFile(keyNode!, $"{field}.private_key", keyPath, identity);
        if (certPem is null || keyPem is null)
            return null;

        var chain = ImmutableArray.CreateBuilder<X509Certificate2>();
        foreach (var block in certPem.Blocks)
        {
            if (block.Label != "CERTIFICATE")
                continue;
            if (DecodeCertificate(certNode!, $"{field}.certificate", certPem, block) is { } c)
                chain.Add(c);
            else
                return null;
        }
        if (chain.Count == 0)
        {
            Error(certNode!, $"\"{field}.certificate\": {certPem.Path}: no CERTIFICATE block found{Holds(certPem)}");
            return null;
        }

        PemBlock? keyBlock = null;
        foreach (var block in keyPem.Blocks)
        {
            if (block.Label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                keyBlock = block;
                break;
            }
        }
        if (keyBlock is null)
        {
            Error(keyNode!, $"\"{field}.private_key\": {keyPem.Path}: no PRIVATE KEY block found{Holds(keyPem)}");
            return null;
        }
        if (keyBlock.Label == "ENCRYPTED PRIVATE KEY")
        {
            Error(keyNode!, $"\"{field}.private_key\": {keyPem.Path}:{keyBlock.Line}: the private key is encrypted; KrakenD (Go's tls.LoadX509KeyPair) needs it unencrypted, e.g. openssl pkey -in key.pem -out plain.pem");
            return null;
        }

        var leaf = chain[0];
        try
        {
            var withKey = AttachKey(leaf, keyPem.Text, out var keyAlgorithm);
            if (withKey is null)
            {
                Error(keyNode!, $"\"{field}.private_key\": {keyPem.Path}:{keyBlock.Line}: the {keyAlgorithm} private key does not match the certificate in {certPem.Path} ({leaf.Subject}, a {CertificateKeyAlgorithm(leaf)} key)");
                return null;
            }
            return new ClientCertificate(withKey, chain.ToImmutable().RemoveAt(0), certPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            Error(keyNode!, $"\"{field}.private_key\": {keyPem.Path}:{keyBlock.Line}: the {keyBlock.Label} block is not a usable private key: {ex.Message}");
            return null;
        }
    }

    /// <summary>The leaf with the key attached, or null when the key is of another algorithm or does not match its public key.</summary>
    private static X509Certificate2? AttachKey(X509Certificate2 leaf, string keyText, out string keyAlgorithm)
    {
        var certAlgorithm = CertificateKeyAlgorithm(leaf);
        // The key's algorithm, found by importing it: RSA, then EC.
        using var rsa = RSA.Create();
        using var ec = ECDsa.Create();
        if (TryImport(rsa, keyText))
        {
            keyAlgorithm = "RSA";
            if (certAlgorithm != "RSA")
                return null;
            return Matches(() => leaf.CopyWithPrivateKey(rsa));
        }
        if (TryImport(ec, keyText))
        {
            keyAlgorithm = "ECDSA";
            if (certAlgorithm != "ECDSA")
                return null;
            return Matches(() => leaf.CopyWithPrivateKey(ec));
        }
        keyAlgorithm = "unknown";
        throw new CryptographicException("only RSA and ECDSA keys (PKCS#1, SEC 1 or unencrypted PKCS#8) are supported");
    }

    private static bool TryImport(AsymmetricAlgorithm key, string text)
    {
        try
        {
            key.ImportFromPem(text);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static X509Certificate2? Matches(Func<X509Certificate2> attach)
    {
        try
        {
            return attach();
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return null; // "The provided key does not match the public key for this certificate."
        }
    }

    private static string CertificateKeyAlgorithm(X509Certificate2 cert) => cert.PublicKey.Oid.Value switch
    {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.10045.2.1" => "ECDSA",
        "1.3.101.112" => "Ed25519",
        var other => other ?? "unknown",
    };

    private void LoadCaCertificates(JsonNode at, string field, PemFile pem, ImmutableArray<X509Certificate2>.Builder into)
    {
        var found = 0;
        foreach (var block in pem.Blocks)
        {
            if (block.Label != "CERTIFICATE")
                continue;
            found++;
            if (DecodeCertificate(at, field, pem, block) is not { } cert)
                continue;
            // A trust anchor that cannot sign anything is almost always the wrong file (the backend's own certificate,
            // or a client certificate). A self-signed certificate is kept: it pins a backend that signs its own.
            var constraints = cert.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            if (constraints is not { CertificateAuthority: true } && cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData))
            {
                into.Add(cert);
                continue;
            }
            if (constraints is not { CertificateAuthority: true })
            {
                Error(at, $"\"{field}\": {pem.Path}:{block.Line}: \"{cert.Subject}\" is not a CA certificate ({(constraints is null ? "no basicConstraints" : "basicConstraints CA:FALSE")}, issued by \"{cert.Issuer}\"); ca_certs takes the certificate of the authority that signed the backend's certificate");
                continue;
            }
            into.Add(cert);
        }
        if (found == 0)
            Error(at, $"\"{field}\": {pem.Path}: no CERTIFICATE block found{Holds(pem)}");
    }

    private X509Certificate2? DecodeCertificate(JsonNode at, string field, PemFile pem, PemBlock block)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(block.Der);
        }
        catch (CryptographicException ex)
        {
            Error(at, $"\"{field}\": {pem.Path}:{block.Line}: the CERTIFICATE block is not an X.509 certificate: {ex.Message}");
            return null;
        }
    }

    private static string Holds(PemFile pem)
    {
        if (pem.Blocks.IsEmpty)
            return " (the file holds no PEM data: expected -----BEGIN CERTIFICATE----- or -----BEGIN PRIVATE KEY----- lines)";
        var labels = string.Join(", ", pem.Blocks.Select(b => b.Label).Distinct());
        return $" (it holds {labels}; are the certificate and the key swapped?)";
    }

    /// <summary>Reads a PEM file, reporting an unreadable file or a malformed block (with its line) at <paramref name="at"/>.</summary>
    private PemFile? ReadPemFile(JsonNode at, string field, string path, StringBuilder identity)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Error(at, $"\"{field}\": cannot read {path}: {ex.Message}");
            return null;
        }
        identity.Append(CultureInfo.InvariantCulture, $"{field}={Convert.ToHexString(SHA256.HashData(bytes))};");
        var text = Encoding.UTF8.GetString(bytes);
        var blocks = ImmutableArray.CreateBuilder<PemBlock>();
        var offset = 0;
        var lineOffset = 1;
        while (offset < text.Length && PemEncoding.TryFind(text.AsSpan(offset), out var fields))
        {
            var start = offset + fields.Location.Start.Value;
            // A BEGIN line before this block that TryFind skipped is a block it could not read.
            var skipped = text.IndexOf("-----BEGIN ", offset, start - offset, StringComparison.Ordinal);
            if (skipped >= 0)
                return Malformed(at, field, path, text, skipped);
            lineOffset += CountLines(text, offset, start);
            var label = text.AsSpan(offset)[fields.Label].ToString();
            var der = Convert.FromBase64String(text.AsSpan(offset)[fields.Base64Data].ToString());
            blocks.Add(new PemBlock(label, der, lineOffset));
            lineOffset += CountLines(text, start, offset + fields.Location.End.Value);
            offset += fields.Location.End.Value;
        }
        var rest = text.IndexOf("-----BEGIN ", offset, StringComparison.Ordinal);
        if (rest >= 0)
            return Malformed(at, field, path, text, rest);
        return new PemFile(path, text, blocks.ToImmutable());
    }

    private PemFile? Malformed(JsonNode at, string field, string path, string text, int begin)
    {
        var lineEnd = text.IndexOf('\n', begin);
        var beginLine = text[begin..(lineEnd < 0 ? text.Length : lineEnd)].TrimEnd('\r');
        Error(at, $"\"{field}\": {path}:{CountLines(text, 0, begin) + 1}: malformed PEM block \"{beginLine}\" (bad base64, or no matching -----END line)");
        return null;
    }

    private static int CountLines(string text, int from, int to) => text.AsSpan(from, to - from).Count('\n');

    private sealed record PemFile(string Path, string Text, ImmutableArray<PemBlock> Blocks);

    private sealed record PemBlock(string Label, byte[] Der, int Line);
}
