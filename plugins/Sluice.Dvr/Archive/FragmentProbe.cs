using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Dvr.Archive;

/// <summary>
/// What a fragment's transport stream holds, timed by its own timestamps: the decode time of its first
/// frame and where its last frame ends (the last frame's time plus its track's frame interval).
/// </summary>
internal sealed class FragmentProbe : IFrameSink
{
    private readonly Dictionary<int, (long Last, long Interval)> _tracks = [];

    public long Frames { get; private set; }

    public long FirstDts { get; private set; } = long.MinValue;

    public bool StartsWithKeyframe { get; private set; }

    public long EndDts
    {
        get
        {
            var end = long.MinValue;
            foreach (var (last, interval) in _tracks.Values) end = Math.Max(end, last + interval);
            return end;
        }
    }

    /// <summary>The probed duration in ms (0 when nothing decodable was found).</summary>
    public int DurationMs => Frames == 0 || EndDts <= FirstDts ? 0 : (int)Math.Min(int.MaxValue, (EndDts - FirstDts) / 90);

    public void OnTrack(TrackInfo track) { }

    public void OnFrame(in MediaFrame frame)
    {
        if (Frames++ == 0)
        {
            FirstDts = frame.Dts;
            StartsWithKeyframe = frame.IsKeyframe;
        }
        var interval = 0L;
        if (_tracks.TryGetValue(frame.TrackId, out var seen)) interval = frame.Dts > seen.Last ? frame.Dts - seen.Last : seen.Interval;
        _tracks[frame.TrackId] = (frame.Dts, interval);
    }

    /// <summary>Demuxes <paramref name="data"/> whole.</summary>
    public static FragmentProbe Of(ReadOnlySpan<byte> data)
    {
        var probe = new FragmentProbe();
        using var demuxer = new TsDemuxer(probe);
        demuxer.Feed(data);
        demuxer.Flush();
        return probe;
    }
}
