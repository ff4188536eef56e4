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
/// One loader for every listener (<c>https</c> in the host, <c>rtmps</c> in the RTMP plugin) and the check
/// command, so a missing or bad file is the same error at the directive that needs it, whichever protocol asks.
/// </summary>
public static class ServerCertificateFiles
{
    public const string CertificateFile = "streamer.crt";
    public const string KeyFile = "streamer.key";
    public const string ChainFile = "streamer-ca.crt";

    /// <summary>The password of an encrypted <c>streamer.key</c>, as Flussonic documents it.</summary>
    public const string KeyPassword = "flussonic";

    /// <summary>
    /// Loads the certificate of <paramref name="folder"/> for the directive <paramref name="directive"/> at
    /// <paramref name="at"/>: null with an error there when a file is missing or unreadable or the key does not
    /// decrypt or match; a warning there when the certificate has expired or is not valid yet (it is still
    /// served: the client decides). The private key is usable by <see cref="System.Net.Security.SslStream"/>.
    /// </summary>
    public static ServerCertificate? Load(string folder, SourceLocation at, IConfigDiagnostics diagnostics, string directive)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var certificate = Read(folder, out var error, out var warning);
        if (certificate is null) diagnostics.Error(at, $"'{directive}' cannot use the certificate: {error}");
        else if (warning is not null) diagnostics.Warning(at, $"'{directive}': {warning}");
        return certificate;
    }

    /// <summary>
    /// Reads the certificate of <paramref name="folder"/>; null with <paramref name="error"/> saying what is wrong
    /// (never throws for bad files). <paramref name="warning"/> tells of a certificate out of its validity period.
    /// </summary>
    public static ServerCertificate? Read(string folder, out string? error, out string? warning)
    {
        var keyPath = Path.Combine(folder, KeyFile);
        var certPath = Path.Combine(folder, CertificateFile);
        var chainPath = Path.Combine(folder, ChainFile);
        error = warning = null;
        try
        {
            if (!File.Exists(certPath))
            {
                error = $"no certificate {certPath} (expected {CertificateFile}, {KeyFile} and optionally {ChainFile} in {folder})";
                return null;
            }
            if (!File.Exists(keyPath))
            {
                error = $"no private key {keyPath} (expected {KeyFile} beside {CertificateFile})";
                return null;
            }
            X509Certificate2 bare;
            try { bare = X509Certificate2.CreateFromPem(File.ReadAllText(certPath)); }
            catch (CryptographicException e)
            {
                error = $"{certPath} is not a PEM certificate: {e.Message}";
                return null;
            }
            using (bare)
            {
                X509Certificate2 withKey;
                try { withKey = PemPrivateKeys.WithKey(bare, File.ReadAllText(keyPath)); }
                catch (Exception e) when (e is CryptographicException or ArgumentException)
                {
                    error = $"{keyPath}: {e.Message}";
                    return null;
                }
                var chain = new X509Certificate2Collection();
                if (File.Exists(chainPath))
                {
                    try { chain.ImportFromPemFile(chainPath); }
                    catch (CryptographicException e)
                    {
                        withKey.Dispose();
                        error = $"{chainPath} is not a PEM certificate list: {e.Message}";
                        return null;
                    }
                }
                // Through PKCS#12 so the key is a persisted one SslStream can use on every platform.
                X509Certificate2 certificate;
                using (withKey) certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
                var now = DateTime.Now;
                warning = now > certificate.NotAfter ? $"the certificate {certPath} expired on {certificate.NotAfter:yyyy-MM-dd}"
                    : now < certificate.NotBefore ? $"the certificate {certPath} is valid only from {certificate.NotBefore:yyyy-MM-dd}"
                    : null;
                return new ServerCertificate(certificate, chain);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return null;
        }
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
