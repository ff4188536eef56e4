using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Abstractions.Configuration;

namespace Sluice.Abstractions.Security;

/// <summary>
/// The server certificate of TLS listeners (<c>rtmps</c>, and <c>https</c>/<c>rtsps</c> as they come), in
/// Flussonic's layout: <c>streamer.crt</c> (the server's certificate, PEM), <c>streamer.key</c> (its private
/// key, PEM, encrypted with the password <c>flussonic</c> or not encrypted) and, optionally,
/// <c>streamer-ca.crt</c> (intermediate and CA certificates, sent along as the chain), all in one folder:
/// Flussonic's is <c>/etc/flussonic</c>, Sluice's the configuration file's own folder unless configured.
/// One loader for every listener and the check command, so a missing or bad file is one error at the
/// directive that needs it, whichever protocol asks.
/// </summary>
public static class ServerCertificateFiles
{
    public const string CertificateFile = "streamer.crt";
    public const string KeyFile = "streamer.key";
    public const string ChainFile = "streamer-ca.crt";

    /// <summary>The password of an encrypted <c>streamer.key</c>, as Flussonic documents it.</summary>
    public const string KeyPassword = "flussonic";

    /// <summary>
    /// Loads the certificate of <paramref name="folder"/>; null with an error at <paramref name="at"/> (the
    /// directive that needs it) when a file is missing or unreadable, the key does not match, or the
    /// certificate has expired. The private key is usable by <see cref="System.Net.Security.SslStream"/>.
    /// </summary>
    public static ServerCertificate? Load(string folder, SourceLocation at, IConfigDiagnostics diagnostics, string directive)
    {
        var certPath = Path.Combine(folder, CertificateFile);
        var keyPath = Path.Combine(folder, KeyFile);
        var chainPath = Path.Combine(folder, ChainFile);
        foreach (var required in new[] { certPath, keyPath })
        {
            if (File.Exists(required)) continue;
            diagnostics.Error(at, $"'{directive}' needs {Path.GetFileName(required)} in {folder} (see the 'certificates' option): {required} does not exist");
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            var certPem = File.ReadAllText(certPath);
            var keyPem = File.ReadAllText(keyPath);
            using var withKey = keyPem.Contains("ENCRYPTED", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromEncryptedPem(certPem, keyPem, KeyPassword)
                : X509Certificate2.CreateFromPem(certPem, keyPem);
            // Through PKCS#12, so that the private key is usable by SslStream on Linux.
            certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(at, $"'{directive}': cannot load {CertificateFile} with {KeyFile} from {folder} " +
                $"(PEM certificate and PEM key, the key unencrypted or encrypted with the password '{KeyPassword}'): {e.Message}");
            return null;
        }
        if (certificate.NotAfter < DateTime.Now)
        {
            diagnostics.Error(at, $"'{directive}': {certPath} expired on {certificate.NotAfter:yyyy-MM-dd}");
            certificate.Dispose();
            return null;
        }
        var chain = new X509Certificate2Collection();
        if (File.Exists(chainPath))
        {
            try
            {
                chain.ImportFromPemFile(chainPath);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                diagnostics.Error(at, $"'{directive}': cannot read {chainPath} (PEM certificates): {e.Message}");
                certificate.Dispose();
                return null;
            }
        }
        return new ServerCertificate(certificate, chain);
    }
}

/// <summary>A server certificate with its private key and the chain sent with it.</summary>
public sealed class ServerCertificate(X509Certificate2 certificate, X509Certificate2Collection chain) : IDisposable
{
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>Intermediate (and CA) certificates from <c>streamer-ca.crt</c>; empty when there is none.</summary>
    public X509Certificate2Collection Chain { get; } = chain;

    /// <summary>What <see cref="System.Net.Security.SslServerAuthenticationOptions.ServerCertificateContext"/> takes.</summary>
    public System.Net.Security.SslStreamCertificateContext CreateContext() =>
        System.Net.Security.SslStreamCertificateContext.Create(Certificate, Chain, offline: true);

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var c in Chain) c.Dispose();
    }
}
