using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Host.Tests.Support;

/// <summary>
/// A test CA and a server certificate it signs, written in the spec's layout (<c>streamer.key</c> encrypted,
/// <c>streamer.crt</c>, <c>streamer-ca.crt</c>) for 127.0.0.1 and localhost. Also compiled into the other
/// test projects that need TLS (linked, not copied).
/// </summary>
internal static class SpecCertificates
{
    private static readonly Lazy<X509Certificate2> Authority = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Sluice test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    });

    /// <summary>streamer.key (encrypted with <paramref name="keyPassword"/>), streamer.crt, streamer-ca.crt; returns the CA's path.</summary>
    public static string Write(string folder, string keyPassword = "flussonic")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var cert = request.Create(Authority.Value, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        File.WriteAllText(Path.Combine(folder, "streamer.crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "streamer.key"), key.ExportEncryptedPkcs8PrivateKeyPem(keyPassword,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        var ca = Path.Combine(folder, "streamer-ca.crt");
        File.WriteAllText(ca, Authority.Value.ExportCertificatePem());
        return ca;
    }
}
