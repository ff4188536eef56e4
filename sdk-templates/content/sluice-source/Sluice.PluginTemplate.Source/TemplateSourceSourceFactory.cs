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

    public string? Validate(SourceContext context)
    {
        TemplateSourceSourceOptions.Bind(context, out var error);
        return error;
    }

    public IMediaSource Create(SourceContext context)
    {
        // The host validated the input first; a problem here means it was not, so say so plainly.
        var options = TemplateSourceSourceOptions.Bind(context, out var error) ?? throw new InvalidOperationException(error);
        return new TemplateSourceSource(options, context.Logger);
    }
}
