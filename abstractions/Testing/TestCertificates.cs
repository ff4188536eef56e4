using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Testing;

/// <summary>A self-signed certificate for localhost / 127.0.0.1, made fresh for the test run.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Server = new(Create);

    public static X509Certificate2 Localhost => Server.Value;

    /// <summary>Writes the certificate (PEM) and, when asked, its private key, returning the paths.</summary>
    public static (string Cert, string Key) WritePem(string folder)
    {
        var cert = Path.Combine(folder, "ca.pem");
        var key = Path.Combine(folder, "key.pem");
        File.WriteAllText(cert, Localhost.ExportCertificatePem());
        using var rsa = Localhost.GetRSAPrivateKey()!;
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    private static X509Certificate2 Create()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
