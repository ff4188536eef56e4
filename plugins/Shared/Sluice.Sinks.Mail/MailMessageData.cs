using System.Net.Mail;

namespace Sluice.Sinks.Mail;

/// <summary>A plain-text mail: one sender, one or more recipients.</summary>
public sealed record MailMessageData(string From, IReadOnlyList<string> To, string Subject, string Body)
{
    /// <summary>Splits <c>a@x, b@y</c>; null and a reason when an address is malformed.</summary>
    public static IReadOnlyList<string>? ParseRecipients(string? text, out string? error)
    {
        error = null;
        var list = (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0) { error = "no recipient"; return null; }
        foreach (var a in list)
        {
            if (!IsAddress(a)) { error = $"'{a}' is not an email address"; return null; }
        }
        return list;
    }

    public static bool IsAddress(string? text) =>
        !string.IsNullOrWhiteSpace(text) && text.AsSpan().IndexOfAny("\r\n") < 0 && MailAddress.TryCreate(text, out _);

    /// <summary>The bare address of <c>Name &lt;a@x&gt;</c> for the SMTP envelope.</summary>
    public static string EnvelopeAddress(string text) => MailAddress.TryCreate(text, out var a) ? a.Address : text;
}
