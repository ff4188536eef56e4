using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Sluice.Abstractions.Security;

namespace Sluice.Host.Hosting;

/// <summary>
/// The server certificate of the <c>https</c> listeners, read by the one loader every TLS listener uses
/// (<see cref="ServerCertificateFiles"/>, also <c>rtmps</c>'s). <see cref="Load"/> never throws: it says what is wrong.
/// </summary>
internal static class ServerCertificate
{
    /// <summary>The certificate with its private key and chain, ready for SslStream; or why it cannot be had.</summary>
    public sealed record Loaded(X509Certificate2? Certificate, SslStreamCertificateContext? Context, string? Error, string? Warning = null);

    public static Loaded Load(string folder) =>
        ServerCertificateFiles.Read(folder, out var error, out var warning) is { } read
            ? new Loaded(read.Certificate, read.CreateContext(), null, warning)
            : new Loaded(null, null, error);
}

/// <summary>
/// The certificate the HTTPS listeners present, swapped whole when a reload reads the files again; TLS
/// handshakes in progress keep the one they started with.
/// </summary>
internal sealed class HttpsCertificate
{
    private volatile ServerCertificate.Loaded? _current;
    private string? _folder;
    private string? _error;

    public X509Certificate2? Certificate => _current?.Certificate;

    public SslStreamCertificateContext? Context => _current?.Context;

    /// <summary>Reads the folder; keeps the previous certificate (and returns why) when the files are bad now.</summary>
    public string? Reload(string folder)
    {
        var loaded = ServerCertificate.Load(folder);
        if (loaded.Error is not null) return loaded.Error;
        _current = loaded;
        return null;
    }

    /// <summary>The configuration in force changed: read the files again when HTTPS is on; say so once per change.</summary>
    public void Apply(Configuration.CoreOptions core, string configDirectory, Microsoft.Extensions.Logging.ILogger log)
    {
        if (core.Https.Count == 0) return;
        var folder = core.CertificatesDirectory ?? configDirectory;
        var error = Reload(folder);
        if (error is null)
        {
            if (_folder is not null && (_error is not null || _folder != folder))
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "https: certificate from {Folder} loaded", folder);
            else if (_folder is not null) Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "https: certificate from {Folder} reloaded", folder);
        }
        else Microsoft.Extensions.Logging.LoggerExtensions.LogError(log, "https: cannot load the certificate, the previous one stays: {Error}", error);
        (_folder, _error) = (folder, error);
    }
}
