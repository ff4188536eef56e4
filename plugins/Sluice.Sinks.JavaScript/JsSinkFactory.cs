using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.JavaScript;

internal sealed class JsSinkFactory : IEventSinkFactory
{
    public string Name => "javascript";

    public string SpecForms => "PATH.js, PATH.mjs";

    public bool Claims(string spec) =>
        (spec.EndsWith(".js", StringComparison.OrdinalIgnoreCase) || spec.EndsWith(".mjs", StringComparison.OrdinalIgnoreCase))
        && !spec.Contains("://", StringComparison.Ordinal);

    public void Validate(SinkContext context, IConfigDiagnostics diagnostics) => JsSinkOptions.Bind(context, diagnostics);

    public IEventSink Create(SinkContext context) =>
        new JsSink(JsSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid JavaScript sink '{context.Spec}' (validate the configuration first)"), context);
}
