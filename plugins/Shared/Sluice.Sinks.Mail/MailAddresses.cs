using System.Net.Mail;

namespace Sluice.Sinks.Mail;

/// <summary>Checks the addresses a configuration or a script gives, before anything is sent.</summary>
public static class MailAddresses
{
    /// <summary>Splits <c>a@x, b@y</c> (commas or semicolons); null and a reason when there is none or one is malformed.</summary>
    public static IReadOnlyList<string>? ParseRecipients(string? text, out string? error) =>
        ParseRecipients((text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), out error);

    /// <summary>The same for a list whose items may themselves be <c>a@x, b@y</c>.</summary>
    public static IReadOnlyList<string>? ParseRecipients(IEnumerable<string> items, out string? error)
    {
        error = null;
        var list = items.SelectMany(i => i.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (list.Count == 0) { error = "no recipient"; return null; }
        foreach (var a in list)
        {
            if (!IsAddress(a)) { error = $"'{a}' is not an email address"; return null; }
        }
        return list;
    }

    /// <summary><c>a@x</c> or <c>Name &lt;a@x&gt;</c>, on one line, with a domain.</summary>
    public static bool IsAddress(string? text) =>
        !string.IsNullOrWhiteSpace(text) && text.AsSpan().IndexOfAny("\r\n") < 0
        && MailAddress.TryCreate(text, out var address) && address.Host.Length > 0;
}
