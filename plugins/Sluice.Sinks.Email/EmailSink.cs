using HandlebarsDotNet;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Email;

/// <summary>Mails each batch as one plain-text message. A template file is read again when it changes.</summary>
internal sealed class EmailSink : IEventSink
{
    private readonly EmailSinkOptions _options;
    private readonly string _server;
    private readonly string _block;
    private readonly MailTemplates _templates = new();
    private readonly HandlebarsTemplate<object, object> _subject;
    private readonly ScriptSource? _templateFile;
    private HandlebarsTemplate<object, object> _body;
    private int _bodyVersion;

    public EmailSink(EmailSinkOptions options, SinkContext context)
    {
        _options = options;
        _server = context.ServerName;
        _block = context.BlockName;
        _subject = _templates.Compile(options.Subject);
        _body = _templates.Compile(options.TemplateText ?? MailTemplates.DefaultBody);
        if (options.TemplatePath is not null) _templateFile = new ScriptSource(options.TemplatePath);
    }

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        MailMessageData mail;
        try
        {
            RefreshTemplate();
            var model = MailTemplates.Model(batch, _server, _block);
            var subject = _subject(model).ReplaceLineEndings(" ").Trim();
            mail = new MailMessageData(_options.From, _options.To, subject, _body(model));
        }
        catch (Exception e) when (e is HandlebarsException or IOException or UnauthorizedAccessException)
        {
            throw new SinkDeliveryException($"email template failed: {e.Message}", e);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var trust = _options.Trust;
            await SmtpSender.SendAsync(_options.Endpoint, mail, _server,
                trust is null ? null : (_, cert, chain, errors) => trust.Validate(cert, chain, errors), timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException($"{_options.Endpoint} did not take the mail within {_options.Timeout.TotalSeconds:0.###} s");
        }
        catch (SmtpFailureException e)
        {
            throw new SinkDeliveryException(e.Message, e);
        }
    }

    private void RefreshTemplate()
    {
        if (_templateFile is null) return;
        _templateFile.Refresh();
        if (_templateFile.Version == _bodyVersion) return;
        _body = _templates.Compile(_templateFile.Text);
        _bodyVersion = _templateFile.Version;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
