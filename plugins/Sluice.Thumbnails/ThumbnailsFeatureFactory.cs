using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;

namespace Sluice.Thumbnails;

/// <summary>The <c>thumbnails</c> stream directive (Flussonic's): off unless written in a stream, ondemand or live block.</summary>
internal sealed class ThumbnailsFeatureFactory(ThumbnailStore store, JpegDecoder decoder) : IStreamFeatureFactory
{
    public string Name => "thumbnails";

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
        [new("thumbnails", "thumbnails [interval=DURATION] [width=PIXELS]", 0, 2) { Repeatable = false }];

    public void Validate(StreamFeatureContext context) => ThumbnailOptions.Bind(context.Directive, context.Diagnostics);

    public IStreamFeature Create(StreamFeatureContext context)
    {
        var options = ThumbnailOptions.Bind(context.Directive, context.Diagnostics) ?? throw new InvalidOperationException("thumbnails: not validated");
        return new ThumbnailsFeature(options, store, decoder, context.Services.GetService(typeof(IEventEmitter)) as IEventEmitter,
            context.Time, context.Logger);
    }
}
