using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Mail;

/// <summary>
/// <c>mail.send</c> for script sinks: through the block's <c>via smtp://[USER:PASS@]HOST:PORT</c>
/// (default smtp://127.0.0.1:25), optionally trusting <c>smtp_ca_file</c> for STARTTLS/smtps.
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

    /// <summary>Sends one mail; an empty <paramref name="from"/> becomes sluice@SERVER. Throws with a readable reason.</summary>
    public async Task SendAsync(string from, string to, string subject, string body, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(from)) from = $"sluice@{serverName}";
        if (!MailMessageData.IsAddress(from)) throw new SmtpFailureException($"mail.send: 'from' {from} is not an email address");
        var recipients = MailMessageData.ParseRecipients(to, out var error)
            ?? throw new SmtpFailureException($"mail.send: 'to': {error}");
        var mail = new MailMessageData(from, recipients, subject, body);
        await SmtpSender.SendAsync(Endpoint, mail, serverName,
            trust is null ? null : (_, cert, chain, errors) => trust.Validate(cert, chain, errors), cancellationToken);
    }
}
