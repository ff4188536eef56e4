using Sluice.Media.Streams;
using Sluice.Sources.Shared;

namespace Sluice.Sources.Fake;

/// <summary><c>fake://NAME</c>: options <c>size=WxH</c>, <c>fps=N</c>, <c>bitrate=N[k|M]</c> (query or input line).</summary>
internal sealed class FakeSourceFactory : IMediaSourceFactory
{
    public string Name => "fake";

    public IReadOnlyList<string> Schemes { get; } = ["fake"];

    public string? Validate(SourceContext context)
    {
        try
        {
            _ = FakeSettings.From(context);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    public IMediaSource Create(SourceContext context)
    {
        var settings = FakeSettings.From(context);
        return new FFmpegTsSource(settings.Executable, settings.Arguments(FontLocator.Find()), context.Logger, pace: true);
    }
}
