using Sluice.Abstractions.Streams;

namespace Sluice.PluginTemplate.Source;

/// <summary>
/// The source type: claims stream inputs <c>templatesource://PATH</c>, checks them when the configuration
/// is validated and creates one <see cref="TemplateSourceSource"/> per attempt (the stream makes a new one
/// after each failure and decides about retries itself).
/// </summary>
internal sealed class TemplateSourceSourceFactory : IMediaSourceFactory
{
    public string Name => TemplateSourceSourceOptions.Scheme;

    public IReadOnlyList<string> Schemes { get; } = [TemplateSourceSourceOptions.Scheme];

    public void Validate(SourceContext context) => TemplateSourceSourceOptions.Bind(context);

    public IMediaSource Create(SourceContext context)
    {
        // The host validated the input first and creates only valid ones: null here means it was not.
        var options = TemplateSourceSourceOptions.Bind(context)
                      ?? throw new InvalidOperationException($"input '{context.Spec}' is not valid: validate the configuration first");
        return new TemplateSourceSource(options, context.Logger, context.Time);
    }
}
