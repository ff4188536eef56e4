using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Email;

internal sealed class EmailSinkFactory : IEventSinkFactory
{
    public string Name => "email";

    public string SpecForms => "smtp://[USER:PASS@]HOST[:PORT], smtps://[USER:PASS@]HOST[:PORT]";

    public bool Claims(string spec) => SmtpEndpoint.IsSmtpSpec(spec);

    public void Validate(SinkContext context) => EmailSinkOptions.Bind(context, context.Diagnostics);

    /// <summary>The sink's own <c>timeout</c> plus room to report it.</summary>
    public TimeSpan DeliveryTimeout(SinkContext context) =>
        (EmailSinkOptions.Bind(context, null)?.Timeout ?? EmailSinkOptions.DefaultTimeout) + TimeSpan.FromSeconds(5);

    public IEventSink Create(SinkContext context) =>
        new EmailSink(EmailSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid email sink '{context.Spec}' (validate the configuration first)"), context);
}
