using Sluice.Abstractions.Frames;

namespace Sluice.Media.Timeline;

/// <summary>
/// Between a demuxer and the stream: shifts timestamps by <see cref="Offset"/> (looping files),
/// keeps each track's DTS increasing (a big step back re-bases the whole timeline after the
/// furthest frame, a small one is nudged forward), forwards a track only when it really changed
/// (a new demuxer per loop announces the same tracks again, first without configuration) and tells the pacer each DTS.
/// </summary>
public sealed class TimelineSink : IFrameSink
{
    /// <summary>A step back larger than this is a new timeline (loop, restart), not jitter.</summary>
    private const long RebaseThreshold = Timestamps.ClockRate;

    private readonly IFrameSink _output;
    private readonly RealTimePacer? _pacer;
    private readonly Dictionary<int, TrackInfo> _tracks = [];
    private readonly Dictionary<int, TrackClock> _clocks = [];

    public TimelineSink(IFrameSink output, RealTimePacer? pacer = null)
    {
        _output = output;
        _pacer = pacer;
    }

    /// <summary>Added to every DTS and PTS before the checks.</summary>
    public long Offset { get; set; }

    /// <summary>Frames delivered.</summary>
    public long Frames { get; private set; }

    /// <summary>Where the timeline ends: the furthest DTS plus that track's last frame duration (offset applied).</summary>
    public long End { get; private set; } = long.MinValue;

    /// <summary>Times the timeline stepped back and was re-based.</summary>
    public int Rebases { get; private set; }

    public void OnTrack(TrackInfo track)
    {
        if (_tracks.TryGetValue(track.TrackId, out var known)
            && (TrackComparer.SameConfiguration(known, track) || TrackComparer.IsBareRepeat(known, track))) return;
        _tracks[track.TrackId] = track;
        _output.OnTrack(track);
    }

    public void OnFrame(in MediaFrame frame)
    {
        var dts = frame.Dts + Offset;
        var pts = frame.Pts + Offset;
        var flags = frame.Flags;
        ref var clock = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_clocks, frame.TrackId, out var seen);
        if (seen && dts <= clock.LastDts)
        {
            if (clock.LastDts - dts > RebaseThreshold && End != long.MinValue)
            {
                var shift = End - dts;
                Offset += shift;
                dts += shift;
                pts += shift;
                flags |= FrameFlags.Discontinuity;
                Rebases++;
            }
            else
            {
                var nudge = clock.LastDts + 1 - dts;
                dts += nudge;
                pts = Math.Max(pts + nudge, dts);
            }
        }
        if (seen && dts > clock.LastDts) clock.Duration = dts - clock.LastDts;
        clock.LastDts = dts;
        End = Math.Max(End, dts + clock.Duration);

        Frames++;
        _output.OnFrame(new MediaFrame(frame.TrackId, frame.Codec, dts, pts, flags, frame.Payload));
        _pacer?.Observe(dts);
    }

    private struct TrackClock
    {
        public long LastDts;
        public long Duration;
    }
}
