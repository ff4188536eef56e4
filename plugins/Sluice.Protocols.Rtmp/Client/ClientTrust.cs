using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Abstractions.Configuration;

namespace Sluice.Protocols.Rtmp.Client;

/// <summary>
/// What an rtmps:// client trusts: the system's roots, or the certificates of a <c>ca=FILE</c> option (PEM,
/// relative to the configuration's folder) for a server with a private CA. The name is always checked.
/// </summary>
internal static class ClientTrust
{
    public const string Option = "ca";

    /// <summary>The option's certificates, null when it is absent; an error (reported) when it cannot be read.</summary>
    public static X509Certificate2Collection? Load(ConfigDirective? option, string configDirectory, IConfigDiagnostics diagnostics, out bool failed)
    {
        failed = false;
        if (option is null) return null;
        var path = Path.GetFullPath(option.Arguments[0].Value, configDirectory);
        try
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(path);
            if (roots.Count > 0) return roots;
            diagnostics.Error(option.Location, $"'{Option}': no PEM certificate in {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            diagnostics.Error(option.Location, $"'{Option}': cannot read {path}: {e.Message}");
        }
        failed = true;
        return null;
    }
}
