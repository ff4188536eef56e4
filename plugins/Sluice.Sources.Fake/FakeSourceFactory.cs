using Sluice.Abstractions.Streams;
using Sluice.FFmpeg;

namespace Sluice.Sources.Fake;

/// <summary><c>fake://NAME</c>: options <c>size=WxH</c>, <c>fps=N</c>, <c>bitrate=N[k|M]</c> (query or input line).</summary>
internal sealed class FakeSourceFactory : IMediaSourceFactory
{
    public string Name => "fake";

    public IReadOnlyList<string> Schemes { get; } = ["fake"];

    public void Validate(SourceContext context) => FakeSettings.Bind(context);

    public IMediaSource Create(SourceContext context)
    {
        var settings = FakeSettings.Bind(context) ?? throw new ArgumentException($"invalid input '{context.Spec}' (validate the configuration first)");
        return new FFmpegTsSource(settings.Executable, settings.Arguments(FontLocator.Find()), context.Logger, pace: true, context.Time);
    }
}
