using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Email;

internal sealed class EmailSinkFactory : IEventSinkFactory
{
    public string Name => "email";

    public string SpecForms => "smtp://[USER:PASS@]HOST[:PORT], smtps://[USER:PASS@]HOST[:PORT]";

    public bool Claims(string spec) => SmtpEndpoint.IsSmtpSpec(spec);

    public void Validate(SinkContext context, IConfigDiagnostics diagnostics) => EmailSinkOptions.Bind(context, diagnostics);

    public IEventSink Create(SinkContext context) =>
        new EmailSink(EmailSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid email sink '{context.Spec}' (validate the configuration first)"), context);
}
