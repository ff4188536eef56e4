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

    public void Validate(SinkContext context) => TemplateSinkSinkOptions.Bind(context);

    public IEventSink Create(SinkContext context)
    {
        // The host validated the block first and creates only valid ones: null here means it was not.
        var options = TemplateSinkSinkOptions.Bind(context)
                      ?? throw new InvalidOperationException($"sink '{context.Spec}' is not valid: validate the configuration first");
        return new TemplateSinkSink(options, context.Logger);
    }
}
