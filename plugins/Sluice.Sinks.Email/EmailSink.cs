using HandlebarsDotNet;
using MimeKit;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Email;

/// <summary>
/// Mails each batch as one message: the text template's rendering, the HTML template's as its
/// alternative when there is one, and the <c>attach</c> files (read at each mail).
/// </summary>
internal sealed class EmailSink : IEventSink
{
    private readonly EmailSinkOptions _options;
    private readonly string _server;
    private readonly string _block;
    private readonly HandlebarsTemplate<object, object> _subject;
    private readonly BodyTemplate _text;
    private readonly BodyTemplate? _html;

    public EmailSink(EmailSinkOptions options, SinkContext context)
    {
        _options = options;
        _server = context.ServerName;
        _block = context.BlockName;
        var templates = new MailTemplates();
        _subject = templates.Compile(options.Subject, html: false);
        _text = new BodyTemplate(templates, options.Text, MailTemplates.DefaultBody, html: false);
        if (options.Html is not null) _html = new BodyTemplate(templates, options.Html, "", html: true);
    }

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        OutgoingMail mail;
        try
        {
            var model = MailTemplates.Model(batch, _server, _block);
            var subject = _subject(model).ReplaceLineEndings(" ").Trim();
            mail = new OutgoingMail(_options.From, _options.To, subject, _text.Render(model))
            {
                Html = _html?.Render(model),
                Attachments = _options.Attachments
                    .Select(path => new MailAttachment(Path.GetFileName(path), MimeTypes.GetMimeType(path), File.ReadAllBytes(path)))
                    .ToList(),
            };
        }
        catch (Exception e) when (e is HandlebarsException)
        {
            throw new SinkDeliveryException($"email template failed: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SinkDeliveryException($"email sink: {e.Message}", e);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            await MailSender.SendAsync(_options.Endpoint, mail, _server, _options.Trust, timeout.Token);
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

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
