using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Sinks.Common;

/// <summary>
/// Trusts the certificates of a CA file (PEM or DER, one or more) instead of the system store:
/// the server's chain must end at one of them and the name must match.
/// </summary>
public sealed class CaFileTrust
{
    private readonly X509Certificate2Collection _roots;

    private CaFileTrust(X509Certificate2Collection roots) => _roots = roots;

    /// <summary>Loads the file; null and a reason when it cannot be read or holds no certificate.</summary>
    public static CaFileTrust? Load(string path, out string? error)
    {
        error = null;
        try
        {
            var roots = new X509Certificate2Collection();
            var text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) roots.ImportFromPem(text);
            else roots.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            if (roots.Count == 0) { error = $"no certificate in CA file '{path}'"; return null; }
            return new CaFileTrust(roots);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            error = $"cannot read CA file '{path}': {e.Message}";
            return null;
        }
    }

    public bool Validate(X509Certificate? certificate, X509Chain? _, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 cert) return chain.Build(cert);
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }
}
