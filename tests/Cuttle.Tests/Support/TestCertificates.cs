using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cuttle.Tests.Support;

/// <summary>
/// A throwaway PKI written to a temp directory: an own CA, a server certificate for 127.0.0.1/localhost and a client
/// certificate, both issued by it, plus a second CA nothing trusts. Files are PEM, as KrakenD's client_tls reads them.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public string Directory { get; }
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public X509Certificate2 Client { get; }

    public string CaPem => Path.Combine(Directory, "ca.pem");
    public string OtherCaPem => Path.Combine(Directory, "other-ca.pem");
    public string ServerPem => Path.Combine(Directory, "server.pem");
    public string ServerKeyPem => Path.Combine(Directory, "server-key.pem");
    public string ClientPem => Path.Combine(Directory, "client.pem");
    public string ClientKeyPem => Path.Combine(Directory, "client-key.pem");

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cuttle-tls-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Ca = CreateCa("CN=Cuttle Test CA", caKey);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = CreateCa("CN=Someone Else's CA", otherKey);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        Server = Issue("CN=127.0.0.1", serverKey, Ca, san.Build(), "1.3.6.1.5.5.7.3.1");

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Client = Issue("CN=cuttle-gateway", clientKey, Ca, null, "1.3.6.1.5.5.7.3.2");

        File.WriteAllText(CaPem, Ca.ExportCertificatePem());
        File.WriteAllText(OtherCaPem, other.ExportCertificatePem());
        File.WriteAllText(ServerPem, Server.ExportCertificatePem());
        File.WriteAllText(ServerKeyPem, serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ClientPem, Client.ExportCertificatePem());
        File.WriteAllText(ClientKeyPem, clientKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Writes <paramref name="content"/> to a file of the directory and returns its path.</summary>
    public string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static X509Certificate2 CreateCa(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(string subject, ECDsa key, X509Certificate2 issuer, X509Extension? san, string eku)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (san is not null) request.CertificateExtensions.Add(san);
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = request.Create(issuer, issuer.NotBefore, issuer.NotAfter.AddDays(-1), serial);
        return signed.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
