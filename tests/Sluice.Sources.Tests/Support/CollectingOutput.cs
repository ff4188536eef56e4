using System.Diagnostics;
using Sluice.Media.Codecs;
using Sluice.Media.Frames;
using Sluice.Media.Streams;

namespace Sluice.Sources.Tests.Support;

/// <summary>What a source delivered, as a stream would see it, with the wall time of each frame.</summary>
internal sealed class CollectingOutput : ISourceOutput
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TrackInfo> _tracks = [];
    private readonly List<FrameRecord> _frames = [];
    private readonly List<string> _violations = [];
    private int _connected;

    public int ConnectedCount => Volatile.Read(ref _connected);

    public IReadOnlyList<TrackInfo> Tracks { get { lock (_gate) return [.. _tracks]; } }

    public IReadOnlyList<FrameRecord> Frames { get { lock (_gate) return [.. _frames]; } }

    /// <summary>The latest announcement of each track (the demuxer announces a track from the PMT, then again with its configuration).</summary>
    public IReadOnlyList<TrackInfo> CurrentTracks { get { lock (_gate) return _tracks.GroupBy(t => t.TrackId).Select(g => g.Last()).ToList(); } }

    /// <summary>Contract breaches seen: frames before Connected or before their track, unreadable payloads.</summary>
    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }

    public void Connected() => Interlocked.Increment(ref _connected);

    public void OnTrack(TrackInfo track)
    {
        lock (_gate) _tracks.Add(track);
    }

    public void OnFrame(in MediaFrame frame)
    {
        var data = frame.Data;
        var trackId = frame.TrackId;
        var startsWithStartCode = NalUnits.IndexOfStartCode(data, 0) is 0 or 1;
        lock (_gate)
        {
            if (_connected == 0) _violations.Add("frame before Connected");
            if (!_tracks.Any(t => t.TrackId == trackId)) _violations.Add($"frame of unannounced track {trackId}");
            if (data.Length == 0) _violations.Add("empty payload");
            if (frame.Codec is CodecId.H264 && !startsWithStartCode) _violations.Add("H.264 frame without Annex-B start code");
            _frames.Add(new FrameRecord(frame.TrackId, frame.Codec, frame.Dts, frame.Pts, frame.Flags, data.Length, _clock.Elapsed));
        }
    }

    public IReadOnlyList<FrameRecord> FramesOf(CodecId codec) => Frames.Where(f => f.Codec == codec).ToList();

    /// <summary>Media time covered by the video frames so far, in seconds.</summary>
    public double VideoSeconds()
    {
        var video = FramesOf(CodecId.H264);
        return video.Count < 2 ? 0 : (video[^1].Dts - video[0].Dts) / (double)Timestamps.ClockRate;
    }

    public async Task WaitUntilAsync(Func<CollectingOutput, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition(this))
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s ({Frames.Count} frames, {Tracks.Count} tracks)");
            await Task.Delay(50);
        }
    }
}

internal readonly record struct FrameRecord(int TrackId, CodecId Codec, long Dts, long Pts, FrameFlags Flags, int Length, TimeSpan Wall)
{
    public bool IsKeyframe => (Flags & FrameFlags.Keyframe) != 0;
}
