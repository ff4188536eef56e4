using System.Security.Cryptography;
using System.Text;

namespace Sluice.Sinks.Http;

/// <summary>
/// Signing per the Standard Webhooks specification: <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix
/// seconds) and <c>webhook-signature</c> = space-separated <c>v1,BASE64(HMAC-SHA256(secret, "id.timestamp.body"))</c>,
/// one per secret (several during a key rotation). A secret is written <c>whsec_BASE64</c>.
/// </summary>
internal static class StandardWebhooks
{
    public const string Prefix = "whsec_";

    /// <summary>The secret's bytes, or null when it is not <c>whsec_</c> followed by base64.</summary>
    public static byte[]? DecodeSecret(string key)
    {
        var text = key.StartsWith(Prefix, StringComparison.Ordinal) ? key[Prefix.Length..] : null;
        if (string.IsNullOrEmpty(text)) return null;
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { return null; }
    }

    /// <summary>The message id of a batch: the same batch sent again has the same id (a receiver may dedupe on it).</summary>
    public static string MessageId(string firstEventId, string lastEventId, int count) =>
        count == 1 ? "msg_" + firstEventId : $"msg_{firstEventId}_{lastEventId}";

    public static string Signature(IReadOnlyList<byte[]> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        var sb = new StringBuilder();
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var secret in secrets)
        {
            HMACSHA256.HashData(secret, content, mac);
            if (sb.Length > 0) sb.Append(' ');
            sb.Append("v1,").Append(Convert.ToBase64String(mac));
        }
        return sb.ToString();
    }
}
