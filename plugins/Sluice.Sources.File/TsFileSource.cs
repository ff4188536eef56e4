using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;
using Sluice.Abstractions.Streams;
using Sluice.Media.Timeline;

namespace Sluice.Sources.Files;

/// <summary>
/// An MPEG-TS file played in real time, forever: each pass gets a fresh demuxer, frames are paced by
/// DTS against a Stopwatch, and each pass is shifted by the length of the previous ones so the
/// timeline keeps growing (pass n+1 starts where pass n's last frame ends).
/// </summary>
internal sealed class TsFileSource(string path, ILogger logger, TimeProvider time) : IMediaSource
{
    private const long MinPassTicks = Timestamps.ClockRate / 100;

    public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"file not found: {path}", path);
        var pacer = new RealTimePacer(time);
        var timeline = new TimelineSink(output, pacer);
        var start = new StartProbe(timeline);
        var connected = false;
        for (var pass = 0; ; pass++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var framesBefore = timeline.Frames;
            var offsetBefore = timeline.Offset;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, useAsync: true))
            {
                using var demuxer = new TsDemuxer(start);
                await TsStreamPump.PumpAsync(file, demuxer, () =>
                {
                    if (connected) return;
                    connected = true;
                    output.Connected();
                }, pacer, cancellationToken).ConfigureAwait(false);
            }
            if (timeline.Frames == framesBefore)
                throw new InvalidDataException($"{path}: no H.264/H.265/AAC/MP3/Opus frames found in this MPEG-TS file");
            // A file whose timestamps do not advance would loop as fast as the disk allows.
            if (timeline.End - (start.EarliestDts + offsetBefore) < MinPassTicks)
                throw new InvalidDataException($"{path}: its timestamps cover less than 10 ms, too short to play as a loop");
            // The next pass starts again at the file's earliest DTS: shift it to where this pass ended.
            start.Learning = false;
            timeline.Offset = timeline.End - start.EarliestDts;
            logger.LogDebug("{Path}: pass {Pass} done, next pass offset {Offset} ticks", path, pass + 1, timeline.Offset);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Learns the earliest raw DTS of the file (before any offset) during the first pass.</summary>
    private sealed class StartProbe(TimelineSink next) : IFrameSink
    {
        public bool Learning { get; set; } = true;

        public long EarliestDts { get; private set; } = long.MaxValue;

        public void OnTrack(TrackInfo track) => next.OnTrack(track);

        public void OnFrame(in MediaFrame frame)
        {
            if (Learning && frame.Dts < EarliestDts) EarliestDts = frame.Dts;
            next.OnFrame(frame);
        }
    }
}
