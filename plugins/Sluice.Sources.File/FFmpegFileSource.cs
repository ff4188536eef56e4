using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Streams;
using Sluice.FFmpeg;

namespace Sluice.Sources.Files;

/// <summary>
/// A non-TS file (mp4, mkv, flv...) remuxed to MPEG-TS by ffmpeg, which reads it at native speed
/// (<c>-re</c>) and loops it (<c>-stream_loop -1</c>, timestamps continue across loops). The managed
/// side paces again and keeps timestamps increasing in case a container's loop point is uneven.
/// </summary>
internal sealed class FFmpegFileSource(string path, string executable, ILogger logger, TimeProvider time) : IMediaSource
{
    private FFmpegTsSource? _inner;

    public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"file not found: {path}", path);
        string[] arguments =
        [
            "-hide_banner", "-nostdin", "-loglevel", "error",
            "-re", "-stream_loop", "-1", "-i", path,
            "-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f", "mpegts", "pipe:1",
        ];
        _inner = new FFmpegTsSource(executable, arguments, logger, pace: true, time);
        await _inner.RunAsync(output, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _inner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
