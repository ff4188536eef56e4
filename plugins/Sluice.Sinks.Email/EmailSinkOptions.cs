using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Email;

/// <summary>Where and how an email sink mails: server, addresses, subject, text and HTML templates, attached files.</summary>
internal sealed record EmailSinkOptions(
    SmtpEndpoint Endpoint,
    string From,
    IReadOnlyList<string> To,
    string Subject,
    TemplateSource? Text,
    TemplateSource? Html,
    IReadOnlyList<string> Attachments,
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
            if (!MailAddresses.IsAddress(from)) Fail(f.Location, $"'from' {from} is not an email address");
        }
        else if (!MailAddresses.IsAddress(from))
        {
            Fail(context.Location, $"no 'from' and sluice@{context.ServerName} is not an email address: add 'from ADDRESS;'");
        }

        IReadOnlyList<string> to = [];
        if (SinkOptions.Find(context, "to") is { } t)
        {
            to = MailAddresses.ParseRecipients(string.Join(",", t.Arguments.SelectMany(a => a.Values)), out var toError) ?? [];
            if (toError is not null) Fail(t.Location, $"'to': {toError}");
        }
        else Fail(context.Location, "an email sink needs 'to ADDRESS[,ADDRESS...];'");

        var subject = DefaultSubject;
        if (SinkOptions.Find(context, "subject") is { } s)
        {
            subject = string.Join(" ", s.Arguments.Select(a => a.Value));
            if (subject.AsSpan().IndexOfAny("\r\n") >= 0) Fail(s.Location, "'subject' must be one line");
            else if (MailTemplates.Check(subject, html: false) is { } error) Fail(s.Location, $"'subject' template: {error}");
        }

        var text = TemplateSource.Bind(context, "template", html: false, Fail);
        var html = TemplateSource.Bind(context, "html_template", html: true, Fail);

        var attachments = new List<string>();
        foreach (var attach in context.Options.Where(o => o.Name == "attach"))
        {
            if (attach.Arguments.Count == 0) Fail(attach.Location, "'attach' expects one or more file paths");
            foreach (var arg in attach.Arguments)
            {
                var path = SinkPaths.Resolve(context.ConfigDirectory, arg.Value);
                if (File.Exists(path)) attachments.Add(path);
                else Fail(arg.Location, $"'attach': file '{path}' does not exist");
            }
        }

        CaFileTrust? trust = null;
        if (SinkOptions.Find(context, "ca_file") is { } ca)
        {
            trust = CaFileTrust.Load(SinkPaths.Resolve(context.ConfigDirectory, ca.Arguments.Count > 0 ? ca.Arguments[0].Value : ""), out var caError);
            if (trust is null) Fail(ca.Location, caError!);
        }
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        return ok ? new EmailSinkOptions(endpoint!, from, to, subject, text, html, attachments, trust, timeout) : null;
    }
}

/// <summary>A body template: inline text (it contains <c>{{</c>) or a file, relative to the configuration's folder.</summary>
internal sealed record TemplateSource(string? Inline, string? Path)
{
    public static TemplateSource? Bind(SinkContext context, string option, bool html, Action<SourceLocation, string> fail)
    {
        if (SinkOptions.Find(context, option) is not { } d) return null;
        var value = string.Join(" ", d.Arguments.Select(a => a.Value));
        string? text;
        TemplateSource source;
        if (value.Contains("{{", StringComparison.Ordinal))
        {
            text = value;
            source = new TemplateSource(value, null);
        }
        else
        {
            var path = SinkPaths.Resolve(context.ConfigDirectory, value);
            source = new TemplateSource(null, path);
            try { text = File.ReadAllText(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                fail(d.Location, $"cannot read {option} '{path}': {e.Message}");
                return null;
            }
        }
        if (MailTemplates.Check(text, html) is { } error) fail(d.Location, $"'{option}': {error}");
        return source;
    }
}
