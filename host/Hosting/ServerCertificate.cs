using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sluice.Host.Hosting;

/// <summary>
/// The server certificate in Flussonic's layout, one folder holding <c>streamer.key</c> (the private key,
/// encrypted with the password <c>flussonic</c> or not), <c>streamer.crt</c> (the server's certificate) and,
/// optionally, <c>streamer-ca.crt</c> (intermediate and CA certificates, sent with it). Shared by every TLS
/// listener (<c>https</c>, <c>rtmps</c>). <see cref="Load"/> never throws: it says what is wrong.
/// </summary>
internal static class ServerCertificate
{
    public const string KeyFile = "streamer.key";
    public const string CertificateFile = "streamer.crt";
    public const string ChainFile = "streamer-ca.crt";
    public const string KeyPassword = "flussonic";

    /// <summary>The certificate with its private key and chain, ready for SslStream; or why it cannot be had.</summary>
    public sealed record Loaded(X509Certificate2? Certificate, SslStreamCertificateContext? Context, string? Error, string? Warning = null);

    public static Loaded Load(string folder)
    {
        var keyPath = Path.Combine(folder, KeyFile);
        var certPath = Path.Combine(folder, CertificateFile);
        var chainPath = Path.Combine(folder, ChainFile);
        try
        {
            if (!File.Exists(certPath)) return Fail($"no certificate {certPath} (expected {CertificateFile}, {KeyFile} and optionally {ChainFile} in {folder})");
            if (!File.Exists(keyPath)) return Fail($"no private key {keyPath} (expected {KeyFile} beside {CertificateFile})");
            X509Certificate2 bare;
            try { bare = X509Certificate2.CreateFromPem(File.ReadAllText(certPath)); }
            catch (CryptographicException e) { return Fail($"{certPath} is not a PEM certificate: {e.Message}"); }
            using (bare)
            {
                X509Certificate2 withKey;
                try { withKey = WithKey(bare, File.ReadAllText(keyPath)); }
                catch (CryptographicException e) { return Fail($"{keyPath}: {e.Message}"); }
                catch (ArgumentException e) { return Fail($"{keyPath}: {e.Message}"); }
                // Through PKCS#12 so the key is a persisted one SslStream can use on every platform.
                using (withKey)
                {
                    var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
                    var chain = new X509Certificate2Collection();
                    if (File.Exists(chainPath))
                    {
                        try { chain.ImportFromPemFile(chainPath); }
                        catch (CryptographicException e) { return Fail($"{chainPath} is not a PEM certificate list: {e.Message}"); }
                    }
                    var context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
                    var now = DateTime.Now;
                    var warning = now > certificate.NotAfter ? $"the certificate {certPath} expired on {certificate.NotAfter:yyyy-MM-dd}"
                        : now < certificate.NotBefore ? $"the certificate {certPath} is valid only from {certificate.NotBefore:yyyy-MM-dd}"
                        : null;
                    return new Loaded(certificate, context, null, warning);
                }
            }
        }
        catch (IOException e) { return Fail(e.Message); }
        catch (UnauthorizedAccessException e) { return Fail(e.Message); }
    }

    private static Loaded Fail(string error) => new(null, null, error);

    private static X509Certificate2 WithKey(X509Certificate2 certificate, string keyPem)
    {
        var algorithm = certificate.GetKeyAlgorithm();
        if (algorithm == "1.2.840.113549.1.1.1")
        {
            using var rsa = RSA.Create();
            Import(rsa, keyPem);
            return certificate.CopyWithPrivateKey(rsa);
        }
        if (algorithm == "1.2.840.10045.2.1")
        {
            using var ec = ECDsa.Create();
            Import(ec, keyPem);
            return certificate.CopyWithPrivateKey(ec);
        }
        throw new CryptographicException($"unsupported key algorithm {algorithm} (RSA or EC keys are)");
    }

    /// <summary>
    /// PKCS#8 (encrypted or not), or the traditional OpenSSL form (<c>openssl rsa -des3 -traditional</c>:
    /// <c>Proc-Type: 4,ENCRYPTED</c> with <c>DEK-Info</c>), which .NET does not read by itself.
    /// </summary>
    private static void Import(AsymmetricAlgorithm key, string pem)
    {
        if (pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            try { key.ImportFromEncryptedPem(pem, KeyPassword); }
            catch (CryptographicException e) { throw new CryptographicException($"cannot decrypt the key with Flussonic's key password: {e.Message}"); }
            return;
        }
        if (LegacyEncrypted.TryDecrypt(pem, KeyPassword, out var label, out var der))
        {
            switch (key)
            {
                case RSA rsa when label == "RSA PRIVATE KEY": rsa.ImportRSAPrivateKey(der, out _); return;
                case ECDsa ec when label == "EC PRIVATE KEY": ec.ImportECPrivateKey(der, out _); return;
                default: throw new CryptographicException($"the key ({label}) does not match the certificate's algorithm");
            }
        }
        try { key.ImportFromPem(pem); }
        catch (ArgumentException e) { throw new CryptographicException($"not a PEM private key: {e.Message}"); }
    }

    /// <summary>OpenSSL's traditional PEM encryption: MD5-based EVP_BytesToKey over the password and the IV's first 8 bytes.</summary>
    private static class LegacyEncrypted
    {
        public static bool TryDecrypt(string pem, string password, out string label, out byte[] der)
        {
            label = "";
            der = [];
            var begin = pem.IndexOf("-----BEGIN ", StringComparison.Ordinal);
            if (begin < 0 || !pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal)) return false;
            var labelEnd = pem.IndexOf("-----", begin + 11, StringComparison.Ordinal);
            label = pem[(begin + 11)..labelEnd];
            var end = pem.IndexOf("-----END ", labelEnd, StringComparison.Ordinal);
            var lines = pem[(labelEnd + 5)..end].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var dek = lines.FirstOrDefault(l => l.StartsWith("DEK-Info:", StringComparison.Ordinal))
                ?? throw new CryptographicException("encrypted key without DEK-Info");
            var parts = dek["DEK-Info:".Length..].Split(',', StringSplitOptions.TrimEntries);
            var iv = Convert.FromHexString(parts[1]);
            var body = Convert.FromBase64String(string.Concat(lines.Where(l => !l.Contains(':'))));
            using SymmetricAlgorithm cipher = parts[0].ToUpperInvariant() switch
            {
                "DES-EDE3-CBC" => TripleDES.Create(),
                "DES-CBC" => DES.Create(),
                "AES-128-CBC" or "AES-192-CBC" or "AES-256-CBC" => Aes.Create(),
                var other => throw new CryptographicException($"unsupported key encryption {other}"),
            };
            var keySize = parts[0].ToUpperInvariant() switch
            {
                "DES-EDE3-CBC" or "AES-192-CBC" => 24,
                "DES-CBC" => 8,
                "AES-128-CBC" => 16,
                _ => 32,
            };
            cipher.Key = BytesToKey(Encoding.UTF8.GetBytes(password), iv.AsSpan(0, 8), keySize);
            try { der = cipher.DecryptCbc(body, iv); }
            catch (CryptographicException) { throw new CryptographicException($"cannot decrypt the key with Flussonic's key password"); }
            return true;
        }

        private static byte[] BytesToKey(byte[] password, ReadOnlySpan<byte> salt, int size)
        {
            var key = new List<byte>(size + 16);
            byte[] previous = [];
            while (key.Count < size)
            {
                previous = MD5.HashData([.. previous, .. password, .. salt]);
                key.AddRange(previous);
            }
            return key.Take(size).ToArray();
        }
    }
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
