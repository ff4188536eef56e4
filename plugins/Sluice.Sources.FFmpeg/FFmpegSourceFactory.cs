using Sluice.Abstractions.Streams;
using Sluice.FFmpeg;

namespace Sluice.Sources.FFmpeg;

/// <summary>
/// Inputs read by ffmpeg: <c>rtsp://</c>, <c>rtsps://</c> (pull),
/// <c>hls://</c> and <c>hlss://</c> (HLS over http/https), <c>srt://</c>, and plain
/// <c>http(s)://</c> URLs of <c>.m3u8</c> playlists.
/// </summary>
internal sealed class FFmpegSourceFactory : IMediaSourceFactory
{
    public string Name => "ffmpeg";

    public IReadOnlyList<string> Schemes { get; } = ["rtsp", "rtsps", "hls", "hlss", "srt", "http", "https"];

    public bool Claims(Uri url) => url.Scheme.ToLowerInvariant() switch
    {
        "http" or "https" => url.AbsolutePath.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase),
        var scheme => Schemes.Contains(scheme),
    };

    public void Validate(SourceContext context) => FFmpegInput.Bind(context);

    public IMediaSource Create(SourceContext context)
    {
        var input = FFmpegInput.Bind(context) ?? throw new ArgumentException($"invalid input '{context.Spec}' (validate the configuration first)");
        return new FFmpegTsSource(input.Executable, input.Arguments(), context.Logger, pace: false, context.Time);
    }
}
