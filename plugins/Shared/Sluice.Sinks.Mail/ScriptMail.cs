using System.Text;
using System.Text.Json;
using MimeKit;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Mail;

/// <summary>
/// <c>mail.send</c> of the script sinks (one implementation for Lua and JavaScript): through the
/// block's <c>via smtp://[USER:PASS@]HOST:PORT</c> (default smtp://127.0.0.1:25), optionally
/// trusting <c>smtp_ca_file</c> for STARTTLS/smtps. The engine hands over the script's table or
/// object as JSON: <c>{from, to, subject, body, html, attachments: [{name, content, type}]}</c>.
/// </summary>
public sealed class ScriptMail(SmtpEndpoint endpoint, CaFileTrust? trust, string serverName)
{
    public SmtpEndpoint Endpoint { get; } = endpoint;

    public static ScriptMail? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var endpoint = SmtpEndpoint.Local;
        var ok = true;
        if (SinkOptions.Find(context, "via") is { } via)
        {
            var parsed = SmtpEndpoint.Parse(via.Arguments.Count > 0 ? via.Arguments[0].Value : "", out var error);
            if (parsed is null) { diagnostics?.Error(via.Location, $"'via' {error}"); ok = false; }
            else endpoint = parsed;
        }
        CaFileTrust? trust = null;
        if (SinkOptions.Find(context, "smtp_ca_file") is { } ca)
        {
            trust = CaFileTrust.Load(SinkPaths.Resolve(context.ConfigDirectory, ca.Arguments.Count > 0 ? ca.Arguments[0].Value : ""), out var error);
            if (trust is null) { diagnostics?.Error(ca.Location, error!); ok = false; }
        }
        return ok ? new ScriptMail(endpoint, trust, context.ServerName) : null;
    }

    /// <summary>The mail a script's request describes; throws <see cref="SmtpFailureException"/> (<c>mail.send: ...</c>) when it is malformed.</summary>
    public OutgoingMail Parse(string requestJson)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(requestJson); }
        catch (JsonException e) { throw Fail($"not a mail ({e.Message})"); }
        using (doc)
        {
            var m = doc.RootElement;
            if (m.ValueKind != JsonValueKind.Object) throw Fail("expects {from, to, subject, body}");
            var from = Text(m, "from");
            if (string.IsNullOrWhiteSpace(from)) from = $"sluice@{serverName}";
            if (!MailAddresses.IsAddress(from)) throw Fail($"'from' {from} is not an email address");
            var to = m.TryGetProperty("to", out var t) && t.ValueKind == JsonValueKind.Array
                ? MailAddresses.ParseRecipients(t.EnumerateArray().Select(ValueText), out var error)
                : MailAddresses.ParseRecipients(Text(m, "to"), out error);
            if (to is null) throw Fail($"'to': {error}");
            var html = Text(m, "html");
            return new OutgoingMail(from, to, Text(m, "subject"), Text(m, "body"))
            {
                Html = html.Length > 0 ? html : null,
                Attachments = Attachments(m),
            };
        }
    }

    /// <summary>Parses and sends one mail. Throws <see cref="SmtpFailureException"/> with a readable reason.</summary>
    public Task SendAsync(string requestJson, CancellationToken cancellationToken) =>
        SendAsync(Parse(requestJson), cancellationToken);

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        try
        {
            await MailSender.SendAsync(Endpoint, mail, serverName, trust, cancellationToken);
        }
        catch (SmtpFailureException e)
        {
            throw Fail(e.Message, e);
        }
    }

    private static List<MailAttachment> Attachments(JsonElement m)
    {
        if (!m.TryGetProperty("attachments", out var list) || list.ValueKind is JsonValueKind.Null) return [];
        if (list.ValueKind == JsonValueKind.Object && !list.EnumerateObject().Any()) return []; // Lua's empty table
        if (list.ValueKind != JsonValueKind.Array) throw Fail("'attachments' must be a list of {name, content, type}");
        var result = new List<MailAttachment>();
        foreach (var a in list.EnumerateArray())
        {
            if (a.ValueKind != JsonValueKind.Object) throw Fail("each attachment is {name, content, type}");
            var name = Text(a, "name");
            if (name.Length == 0 || name.AsSpan().IndexOfAny("/\\\r\n\"") >= 0) throw Fail($"attachment name '{name}' must be a plain file name");
            var type = Text(a, "type");
            result.Add(new MailAttachment(name, type.Length > 0 ? type : MimeTypes.GetMimeType(name), Encoding.UTF8.GetBytes(Text(a, "content"))));
        }
        return result;
    }

    private static string Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? ValueText(v) : "";

    /// <summary>Strings as they are, numbers and booleans as their text, lists joined with ", " (as Lua's and JS's string forms).</summary>
    private static string ValueText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Array => string.Join(", ", v.EnumerateArray().Select(ValueText)),
        _ => "",
    };

    private static SmtpFailureException Fail(string message, Exception? inner = null) =>
        new(message.StartsWith("mail.send", StringComparison.Ordinal) ? message : "mail.send: " + message, inner);
}
