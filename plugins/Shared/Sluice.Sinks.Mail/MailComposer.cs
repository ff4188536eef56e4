using System.Globalization;
using System.Text;

namespace Sluice.Sinks.Mail;

/// <summary>Writes a plain-text message in wire form (headers, CRLF lines, dot-stuffed), ready for DATA.</summary>
public static class MailComposer
{
    public static byte[] Compose(MailMessageData mail, string domain)
    {
        var sb = new StringBuilder(256 + mail.Body.Length);
        Header(sb, "From", mail.From);
        Header(sb, "To", string.Join(", ", mail.To));
        Header(sb, "Subject", EncodeWord(mail.Subject));
        Header(sb, "Date", DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
        Header(sb, "Message-ID", $"<{Guid.NewGuid():N}@{domain}>");
        Header(sb, "MIME-Version", "1.0");
        Header(sb, "Content-Type", "text/plain; charset=utf-8");
        var normalized = mail.Body.Replace("\r\n", "\n");
        // The line break before the terminating "." belongs to the protocol: a body's last newline is that one.
        var lines = (normalized.EndsWith('\n') ? normalized[..^1] : normalized).Split('\n');
        var plain = Ascii(mail.Body) && lines.All(l => l.Length <= 990);
        Header(sb, "Content-Transfer-Encoding", plain ? "7bit" : "base64");
        sb.Append("\r\n");
        if (plain)
        {
            foreach (var line in lines)
            {
                if (line.StartsWith('.')) sb.Append('.');
                sb.Append(line).Append("\r\n");
            }
        }
        else
        {
            var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(mail.Body.Replace("\r\n", "\n").Replace("\n", "\r\n")));
            for (var i = 0; i < b64.Length; i += 76) sb.Append(b64, i, Math.Min(76, b64.Length - i)).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void Header(StringBuilder sb, string name, string value) =>
        sb.Append(name).Append(": ").Append(value.Replace("\r", " ").Replace("\n", " ")).Append("\r\n");

    private static string EncodeWord(string text) =>
        Ascii(text) ? text : "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";

    private static bool Ascii(string text) => text.All(c => c < 128 && (c >= 32 || c is '\n' or '\r' or '\t'));
}
