namespace Sluice.Sinks.Mail;

/// <summary>
/// A mail to send: one sender, one or more recipients, a plain-text body and optionally an HTML
/// alternative and attachments. Addresses are checked by <see cref="MailAddresses"/> before.
/// </summary>
public sealed record OutgoingMail(string From, IReadOnlyList<string> To, string Subject, string Text)
{
    /// <summary>An HTML alternative of <see cref="Text"/>; mail readers show it when they can.</summary>
    public string? Html { get; init; }

    public IReadOnlyList<MailAttachment> Attachments { get; init; } = [];
}

/// <summary>
/// A file attached to a mail. When the HTML body refers to <c>cid:NAME</c> (its <see cref="Name"/>),
/// it is sent as an inline part of the HTML (an image shown in the text) instead.
/// </summary>
public sealed record MailAttachment(string Name, string ContentType, ReadOnlyMemory<byte> Content);
