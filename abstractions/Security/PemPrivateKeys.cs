using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sluice.Abstractions.Security;

/// <summary>
/// A certificate joined with its PEM private key (RSA or EC): PKCS#8, encrypted PKCS#8, or the traditional
/// OpenSSL encrypted form, with Flussonic's key password.
/// </summary>
internal static class PemPrivateKeys
{
    private const string KeyPassword = ServerCertificateFiles.KeyPassword;

    public static X509Certificate2 WithKey(X509Certificate2 certificate, string keyPem)
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
