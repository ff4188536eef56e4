using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.PluginTemplate.Sink;

/// <summary>
/// The sink type: claims <c>templatesink://PATH</c> specs of notify blocks, checks them when the
/// configuration is validated and creates one <see cref="TemplateSinkSink"/> per block.
/// </summary>
internal sealed class TemplateSinkSinkFactory : IEventSinkFactory
{
    public string Name => "templatesink";

    public string SpecForms => TemplateSinkSinkOptions.Scheme + "PATH";

    public bool Claims(string spec) => spec.StartsWith(TemplateSinkSinkOptions.Scheme, StringComparison.OrdinalIgnoreCase);

    public void Validate(SinkContext context, IConfigDiagnostics diagnostics) => TemplateSinkSinkOptions.Bind(context, diagnostics);

    public IEventSink Create(SinkContext context)
    {
        // The host validated the block first; a problem here means it was not, so say so plainly.
        var problems = new ThrowingDiagnostics();
        var options = TemplateSinkSinkOptions.Bind(context, problems) ?? throw problems.ToException();
        return new TemplateSinkSink(options, context.Logger);
    }

    private sealed class ThrowingDiagnostics : IConfigDiagnostics
    {
        private readonly List<string> _errors = [];

        public void Error(SourceLocation location, string message) => _errors.Add($"{location}: {message}");

        public void Warning(SourceLocation location, string message) { }

        public InvalidOperationException ToException() => new(string.Join(Environment.NewLine, _errors));
    }
}
