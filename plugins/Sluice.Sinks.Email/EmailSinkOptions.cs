using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Email;

/// <summary>Where and how an email sink mails: server, addresses, subject and body templates.</summary>
internal sealed record EmailSinkOptions(
    SmtpEndpoint Endpoint,
    string From,
    IReadOnlyList<string> To,
    string Subject,
    string? TemplateText,
    string? TemplatePath,
    CaFileTrust? Trust,
    TimeSpan Timeout)
{
    public const string DefaultSubject = "[{{server}}] {{count}} event(s) from notify {{block}}";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static EmailSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var ok = true;
        void Fail(SourceLocation at, string message) { diagnostics?.Error(at, message); ok = false; }

        var endpoint = SmtpEndpoint.Parse(context.Spec, out var specError);
        if (endpoint is null) Fail(context.Location, specError!);

        var from = $"sluice@{context.ServerName}";
        if (SinkOptions.Find(context, "from") is { } f)
        {
            from = string.Join(" ", f.Arguments.Select(a => a.Value));
            if (!MailMessageData.IsAddress(from)) Fail(f.Location, $"'from' {from} is not an email address");
        }
        else if (!MailMessageData.IsAddress(from))
        {
            Fail(context.Location, $"no 'from' and sluice@{context.ServerName} is not an email address: add 'from ADDRESS;'");
        }

        IReadOnlyList<string> to = [];
        if (SinkOptions.Find(context, "to") is { } t)
        {
            to = MailMessageData.ParseRecipients(string.Join(",", t.Arguments.SelectMany(a => a.Values)), out var toError) ?? [];
            if (toError is not null) Fail(t.Location, $"'to': {toError}");
        }
        else Fail(context.Location, "an email sink needs 'to ADDRESS[,ADDRESS...];'");

        var subject = DefaultSubject;
        if (SinkOptions.Find(context, "subject") is { } s)
        {
            subject = string.Join(" ", s.Arguments.Select(a => a.Value));
            if (subject.AsSpan().IndexOfAny("\r\n") >= 0) Fail(s.Location, "'subject' must be one line");
            else if (MailTemplates.Check(subject) is { } error) Fail(s.Location, $"'subject' template: {error}");
        }

        string? templateText = null, templatePath = null;
        if (SinkOptions.Find(context, "template") is { } tpl)
        {
            var value = string.Join(" ", tpl.Arguments.Select(a => a.Value));
            if (value.Contains("{{", StringComparison.Ordinal)) templateText = value;
            else
            {
                templatePath = SinkPaths.Resolve(context.ConfigDirectory, value);
                try { templateText = File.ReadAllText(templatePath); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    Fail(tpl.Location, $"cannot read template '{templatePath}': {e.Message}");
                }
            }
            if (templateText is not null && MailTemplates.Check(templateText) is { } error) Fail(tpl.Location, $"'template': {error}");
        }

        CaFileTrust? trust = null;
        if (SinkOptions.Find(context, "ca_file") is { } ca)
        {
            trust = CaFileTrust.Load(SinkPaths.Resolve(context.ConfigDirectory, ca.Arguments.Count > 0 ? ca.Arguments[0].Value : ""), out var caError);
            if (trust is null) Fail(ca.Location, caError!);
        }
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        return ok ? new EmailSinkOptions(endpoint!, from, to, subject, templatePath is null ? templateText : null, templatePath, trust, timeout) : null;
    }
}
