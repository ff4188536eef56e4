using System.IO.Pipelines;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Dvr.Playback;

/// <summary>
/// <c>archive-FROM-DURATION.ts</c>: the range remuxed into one MPEG-TS on the export's timeline (the same as
/// the MP4's: gaps closed, starting at a keyframe), streamed as it is read, one fragment in memory at a time.
/// </summary>
internal static class TsExport
{
    public static async Task<long> WriteAsync(ArchiveReader reader, PipeWriter output, Action<long> sent, CancellationToken cancellationToken)
    {
        TsMuxer? muxer = null;
        long total = 0;
        for (var i = 0; i < reader.Fragments.Count; i++)
        {
            using var frames = reader.Read(i);
            if (muxer is null)
            {
                var tracks = frames.Tracks.Values.Where(Carries).OrderBy(t => t.TrackId).ToArray();
                if (tracks.Length == 0) continue;
                muxer = new TsMuxer(tracks);
            }
            else
            {
                foreach (var track in frames.Tracks.Values)
                {
                    if (muxer.GetPid(track.TrackId) < 0 || !Carries(track)) continue;
                    try { muxer.UpdateTrack(track); } catch (ArgumentException) { }
                }
            }
            var before = muxer.PacketsWritten;
            foreach (var frame in frames.Frames) muxer.WriteFrame(in frame, output);
            var bytes = (muxer.PacketsWritten - before) * TsConstants.PacketSize;
            total += bytes;
            var flushed = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            sent(bytes);
            if (flushed.IsCompleted || flushed.IsCanceled) throw new OperationCanceledException("the client left");
        }
        return total;
    }

    private static bool Carries(TrackInfo t) => TsMuxer.CanCarry(t.Codec) && (t.Codec != CodecId.Aac || t.Audio is { SampleRate: > 0 });
}
