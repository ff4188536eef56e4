using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Http;

internal sealed class HttpSinkFactory : IEventSinkFactory
{
    public string Name => "http";

    public string SpecForms => "http://URL, https://URL";

    public bool Claims(string spec) =>
        spec.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public void Validate(SinkContext context, IConfigDiagnostics diagnostics) => HttpSinkOptions.Bind(context, diagnostics);

    public IEventSink Create(SinkContext context) =>
        new HttpSink(HttpSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid http sink '{context.Spec}' (validate the configuration first)"));
}
