using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cuttle.Config.Tls;

/// <summary>A file of the tls block that cannot be used; the message names the file and says what is wrong with it.</summary>
public sealed class TlsFileException(string file, string message) : Exception(message)
{
    public string File { get; } = file;
}

/// <summary>
/// Reads the PEM files of the service's tls block, once for <c>cuttle check</c> and start-up (the binder) and again
/// whenever they change on disk (the host's certificate rotation): one loader, so that what check accepts is exactly
/// what the server will serve. Go's tls.LoadX509KeyPair reads the same files: the certificate file holds the leaf
/// first and then its chain, the key file a PKCS#8, PKCS#1 (RSA) or SEC 1 (EC) private key. Unlike Go, an expired or
/// not yet valid leaf, or a key that does not match the leaf, is refused here rather than served.
/// </summary>
public static class TlsFiles
{
    /// <summary>Loads a certificate (with its chain) and its private key.</summary>
    /// <exception cref="TlsFileException">A file is missing, unreadable, not PEM, or the pair does not belong together.</exception>
    public static TlsKeyPair LoadKeyPair(string certificatePath, string keyPath, DateTimeOffset now)
    {
        var certificates = ReadCertificates(certificatePath, "certificate");
        var keyPem = ReadText(keyPath, "private key");
        X509Certificate2 leaf = certificates[0];
        X509Certificate2 withKey;
        try
        {
            withKey = AttachKey(leaf, keyPem, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // CopyWithPrivateKey says ArgumentException when the key is not the certificate's.
            Dispose(certificates);
            throw new TlsFileException(keyPath, $"the private key in {keyPath} does not match the certificate in {certificatePath} ({ex.Message})");
        }
        catch (TlsFileException)
        {
            Dispose(certificates);
            throw;
        }
        leaf.Dispose();
        if (now.UtcDateTime > withKey.NotAfter.ToUniversalTime())
        {
            var expired = withKey.NotAfter.ToUniversalTime();
            Dispose(certificates);
            withKey.Dispose();
            throw new TlsFileException(certificatePath, $"the certificate in {certificatePath} expired on {expired.ToString("u", CultureInfo.InvariantCulture)}");
        }
        if (now.UtcDateTime < withKey.NotBefore.ToUniversalTime())
        {
            var notBefore = withKey.NotBefore.ToUniversalTime();
            Dispose(certificates);
            withKey.Dispose();
            throw new TlsFileException(certificatePath, $"the certificate in {certificatePath} is not valid before {notBefore.ToString("u", CultureInfo.InvariantCulture)}");
        }
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < certificates.Count; i++) chain.Add(certificates[i]);
        return new TlsKeyPair(withKey, chain, certificatePath, keyPath);
    }

    /// <summary>Loads a ca_certs file: one or more PEM certificates, each of which must be a certificate authority.</summary>
    /// <exception cref="TlsFileException">The file is missing, unreadable, not PEM, or holds a certificate that is not a CA.</exception>
    public static X509Certificate2Collection LoadCaCertificates(string path)
    {
        var certificates = ReadCertificates(path, "CA certificate");
        foreach (var certificate in certificates)
        {
            var isCa = false;
            foreach (var extension in certificate.Extensions)
            {
                if (extension is X509BasicConstraintsExtension basic) isCa = basic.CertificateAuthority;
            }
            if (!isCa)
            {
                var subject = certificate.Subject;
                Dispose(certificates);
                throw new TlsFileException(path, $"the certificate \"{subject}\" in {path} is not a certificate authority (its basic constraints do not say CA:TRUE); ca_certs must hold CA certificates");
            }
        }
        return certificates;
    }

    /// <summary>The certificate file's own PEM certificates, leaf first; at least one.</summary>
    private static X509Certificate2Collection ReadCertificates(string path, string what)
    {
        var text = ReadText(path, what);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException ex)
        {
            Dispose(certificates);
            throw new TlsFileException(path, $"the {what} file {path} holds a PEM block that is not a valid certificate ({ex.Message})");
        }
        if (certificates.Count == 0)
            throw new TlsFileException(path, $"the {what} file {path} holds no PEM certificate (expected a \"-----BEGIN CERTIFICATE-----\" block)");
        return certificates;
    }

    private static string ReadText(string path, string what)
    {
        if (string.IsNullOrEmpty(path)) throw new TlsFileException(path, $"{what} file not defined");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new TlsFileException(path, $"cannot read the {what} file {path}: {ex.Message}");
        }
    }

    private static X509Certificate2 AttachKey(X509Certificate2 leaf, string keyPem, string keyPath)
    {
        if (keyPem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal) || keyPem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
            throw new TlsFileException(keyPath, $"the private key in {keyPath} is encrypted; KrakenD (Go's tls.LoadX509KeyPair) and Cuttle need an unencrypted PEM key");
        if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new TlsFileException(keyPath, $"the private key file {keyPath} holds no PEM private key (expected a \"-----BEGIN PRIVATE KEY-----\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\" block)");
        X509Certificate2 withKey;
        if (leaf.GetRSAPublicKey() is { } rsaPublic)
        {
            rsaPublic.Dispose();
            using var rsa = RSA.Create();
            ImportKey(rsa, keyPem, keyPath);
            withKey = leaf.CopyWithPrivateKey(rsa);
        }
        else if (leaf.GetECDsaPublicKey() is { } ecPublic)
        {
            ecPublic.Dispose();
            using var ec = ECDsa.Create();
            ImportKey(ec, keyPem, keyPath);
            withKey = leaf.CopyWithPrivateKey(ec);
        }
        else
        {
            throw new TlsFileException(keyPath, $"the certificate's key type ({leaf.PublicKey.Oid.FriendlyName ?? leaf.PublicKey.Oid.Value}) is not supported: use an RSA or ECDSA certificate");
        }
        // Windows keeps an ephemeral key out of SChannel's reach; a PKCS#12 round trip gives it a persisted one.
        if (OperatingSystem.IsWindows())
        {
            using var ephemeral = withKey;
            withKey = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        return withKey;
    }

    private static void ImportKey(AsymmetricAlgorithm key, string keyPem, string keyPath)
    {
        try
        {
            key.ImportFromPem(keyPem);
        }
        catch (ArgumentException)
        {
            // No PEM block of the certificate's key type: an EC key for an RSA certificate or the reverse.
            throw new CryptographicException($"{keyPath} holds no {(key is RSA ? "RSA" : "EC")} private key, which the certificate's public key needs");
        }
        catch (CryptographicException ex)
        {
            throw new TlsFileException(keyPath, $"the private key file {keyPath} holds a PEM block that is not a valid private key ({ex.Message})");
        }
    }

    private static void Dispose(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates) certificate.Dispose();
    }
}

/// <summary>A loaded certificate with its private key, and the chain the certificate file carried after it.</summary>
public sealed class TlsKeyPair(X509Certificate2 certificate, X509Certificate2Collection chain, string certificatePath, string keyPath) : IDisposable
{
    public X509Certificate2 Certificate { get; } = certificate;
    public X509Certificate2Collection Chain { get; } = chain;
    public string CertificatePath { get; } = certificatePath;
    public string KeyPath { get; } = keyPath;

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var c in Chain) c.Dispose();
    }
}
