using Microsoft.Extensions.Logging;
using Sluice.Media.MpegTs;
using Sluice.Abstractions.Streams;
using Sluice.Media.Timeline;

namespace Sluice.FFmpeg;

/// <summary>
/// A source that runs ffmpeg writing MPEG-TS to its stdout and demuxes that. Connected when the
/// first bytes arrive; returns when ffmpeg ends cleanly, throws with ffmpeg's last stderr lines
/// when it fails. ffmpeg never outlives <see cref="RunAsync"/> or <see cref="DisposeAsync"/>.
/// </summary>
public sealed class FFmpegTsSource(string executable, IReadOnlyList<string> arguments, ILogger logger, bool pace, TimeProvider? time = null) : IMediaSource
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private FFmpegProcess? _process;

    public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var process = FFmpegProcess.Start(executable, arguments, logger);
        _process = process;
        await using var killOnCancel = cancellationToken.Register(process.Kill);

        var pacer = pace ? new RealTimePacer(time) : null;
        var timeline = new TimelineSink(output, pacer);
        using var demuxer = new TsDemuxer(timeline);
        var bytes = await TsStreamPump.PumpAsync(process.Output, demuxer, output.Connected, pacer, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var exitCode = await process.WaitForExitAsync(ExitWait).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (exitCode != 0) throw new FFmpegExitException(exitCode, process.LastLines());
        logger.LogDebug("ffmpeg ended after {Bytes} bytes and {Frames} frames", bytes, timeline.Frames);
    }

    public ValueTask DisposeAsync()
    {
        _process?.Kill();
        return ValueTask.CompletedTask;
    }
}
