using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cuttle.Testing;

/// <summary>
/// A certificate authority made for one test (ECDSA P-256, generated in milliseconds), which issues server and client
/// certificates with <see cref="CertificateRequest"/> and writes them as the PEM files KrakenD's tls and client_tls
/// blocks name. Nothing touches the machine's certificate stores; a test trusts the CA by comparing issuers itself.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private TestCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA's own certificate (public part).</summary>
    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    public static TestCertificateAuthority Create(string name = "Cuttle Test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var self = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        // The public part only; the key stays in _key to sign with.
        return new TestCertificateAuthority(X509CertificateLoader.LoadCertificate(self.RawData), key);
    }

    /// <summary>A server certificate for <paramref name="dnsNames"/> and 127.0.0.1 (server authentication).</summary>
    public TestCertificate IssueServer(params string[] dnsNames) => Issue(dnsNames.Length > 0 ? dnsNames[0] : "localhost", dnsNames, server: true, null, null);

    /// <summary>A server certificate with a chosen validity (an expired one for the tests of refusals).</summary>
    public TestCertificate IssueServer(string[] dnsNames, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue(dnsNames[0], dnsNames, server: true, notBefore, notAfter);

    /// <summary>A client certificate (client authentication) for mTLS.</summary>
    public TestCertificate IssueClient(string name = "client") => Issue(name, [], server: false, null, null);

    private TestCertificate Issue(string commonName, string[] dnsNames, bool server, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames) san.AddDnsName(name);
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        var from = notBefore ?? now.AddMinutes(-5);
        var to = notAfter ?? now.AddDays(30);
        using var signed = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), from, to, serial);
        return new TestCertificate(signed.CopyWithPrivateKey(key), key, Certificate);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}

/// <summary>An issued certificate with its private key, as PEM text and as files.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly ECDsa _key;
    private readonly X509Certificate2 _issuer;

    internal TestCertificate(X509Certificate2 certificate, ECDsa key, X509Certificate2 issuer)
    {
        Certificate = certificate;
        _key = key;
        _issuer = issuer;
    }

    /// <summary>The certificate with its private key (what a client presents for mTLS).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Hex, as <see cref="X509Certificate2.SerialNumber"/> and X509Certificate.GetSerialNumberString() give it.</summary>
    public string Serial => Certificate.SerialNumber;

    /// <summary>The leaf then its issuer, as a server's certificate file carries its chain.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem() + "\n" + _issuer.ExportCertificatePem() + "\n";

    public string KeyPem => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>Writes <c>tls.crt</c> and <c>tls.key</c> (a Kubernetes TLS Secret's names) into <paramref name="directory"/>.</summary>
    public (string Certificate, string Key) WriteTo(string directory, string certificateName = "tls.crt", string keyName = "tls.key")
    {
        Directory.CreateDirectory(directory);
        var cert = Path.Combine(directory, certificateName);
        var key = Path.Combine(directory, keyName);
        File.WriteAllText(cert, CertificatePem);
        File.WriteAllText(key, KeyPem);
        return (cert, key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
