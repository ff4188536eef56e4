using MimeKit;
using MimeKit.Utils;

namespace Sluice.Sinks.Mail;

/// <summary>
/// Turns an <see cref="OutgoingMail"/> into a MIME message (MimeKit): text/plain alone, or
/// multipart/alternative with the HTML; attachments after it, and parts the HTML names by
/// <c>cid:</c> inline beside the HTML. Encodings (7bit, quoted-printable, base64, RFC 2047
/// headers) are chosen by MimeKit when the message is sent.
/// </summary>
public static class MailComposer
{
    public static MimeMessage Compose(OutgoingMail mail, string domain)
    {
        var message = new MimeMessage
        {
            Date = DateTimeOffset.UtcNow,
            MessageId = MimeUtils.GenerateMessageId(domain),
            Subject = OneLine(mail.Subject),
        };
        message.From.Add(MailboxAddress.Parse(mail.From));
        foreach (var to in mail.To) message.To.Add(MailboxAddress.Parse(to));

        var body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html };
        foreach (var a in mail.Attachments)
        {
            var contentType = ContentType.TryParse(a.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
            var inline = mail.Html is { } html && html.Contains("cid:" + a.Name, StringComparison.Ordinal);
            var part = inline
                ? body.LinkedResources.Add(a.Name, a.Content.ToArray(), contentType)
                : body.Attachments.Add(a.Name, a.Content.ToArray(), contentType);
            if (inline) part.ContentId = a.Name;
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>A header never carries a line break from the data (no header injection).</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
