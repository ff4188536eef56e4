using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Log;

internal sealed class LogSinkFactory : IEventSinkFactory
{
    public string Name => "log";

    public string SpecForms => "log://relative/path, log:///absolute/path";

    public bool Claims(string spec) => spec.StartsWith(LogSinkOptions.Scheme, StringComparison.OrdinalIgnoreCase);

    public void Validate(SinkContext context) => LogSinkOptions.Bind(context, context.Diagnostics);

    public IEventSink Create(SinkContext context) =>
        new LogSink(LogSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid log sink '{context.Spec}' (validate the configuration first)"));
}
