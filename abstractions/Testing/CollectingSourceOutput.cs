using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Testing;

/// <summary>What a source delivered, with the clock reading at each frame.</summary>
public readonly record struct FrameRecord(int TrackId, CodecId Codec, long Dts, long Pts, FrameFlags Flags, int Length, TimeSpan At)
{
    public bool IsKeyframe => (Flags & FrameFlags.Keyframe) != 0;
}

/// <summary>
/// Plays the stream's part for a source under test: records tracks, the facts of every frame and when it
/// came, and every breach of the source contract (a frame before <see cref="Connected"/> or before its
/// track, an empty payload, H.264/H.265 without Annex-B start codes). With <c>retainFrames</c> it also keeps
/// the frames themselves (payloads retained until <see cref="Dispose"/>), as a reader that keeps frames must.
/// </summary>
public sealed class CollectingSourceOutput(bool retainFrames = false, TimeProvider? time = null) : ISourceOutput, IDisposable
{
    private readonly object _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _start = (time ?? TimeProvider.System).GetTimestamp();
    private readonly List<TrackInfo> _tracks = [];
    private readonly List<FrameRecord> _frames = [];
    private readonly List<MediaFrame> _retained = [];
    private readonly List<string> _violations = [];
    private int _connected;
    private TimeSpan? _connectedAt;

    /// <summary>How many times the source said it connected.</summary>
    public int ConnectedCount => Volatile.Read(ref _connected);

    /// <summary>When the source first said it connected (null until then).</summary>
    public TimeSpan? ConnectedAt { get { lock (_gate) return _connectedAt; } }

    /// <summary>Every track announcement, in order (a demuxer announces a track from the PMT, then again with its configuration).</summary>
    public IReadOnlyList<TrackInfo> Tracks { get { lock (_gate) return [.. _tracks]; } }

    /// <summary>The latest announcement of each track.</summary>
    public IReadOnlyList<TrackInfo> CurrentTracks { get { lock (_gate) return _tracks.GroupBy(t => t.TrackId).Select(g => g.Last()).ToList(); } }

    public IReadOnlyList<FrameRecord> Frames { get { lock (_gate) return [.. _frames]; } }

    /// <summary>The frames themselves, when created with <c>retainFrames</c> (valid until <see cref="Dispose"/>).</summary>
    public IReadOnlyList<MediaFrame> RetainedFrames { get { lock (_gate) return [.. _retained]; } }

    /// <summary>Breaches of the source contract seen so far; a correct source leaves this empty.</summary>
    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }

    public void Connected()
    {
        Interlocked.Increment(ref _connected);
        lock (_gate) _connectedAt ??= _time.GetElapsedTime(_start);
    }

    public void OnTrack(TrackInfo track)
    {
        lock (_gate) _tracks.Add(track);
    }

    public void OnFrame(in MediaFrame frame)
    {
        var data = frame.Data;
        var trackId = frame.TrackId;
        var annexB = data.Length >= 4 && data[0] == 0 && data[1] == 0 && (data[2] == 1 || (data[2] == 0 && data[3] == 1));
        var at = _time.GetElapsedTime(_start);
        lock (_gate)
        {
            if (_connected == 0) _violations.Add($"frame before Connected: {frame}");
            if (!_tracks.Exists(t => t.TrackId == trackId)) _violations.Add($"frame of unannounced track {trackId}: {frame}");
            if (data.Length == 0) _violations.Add($"empty payload: {frame}");
            if (frame.Codec is CodecId.H264 or CodecId.H265 && !annexB) _violations.Add($"{CodecFacts.NameOf(frame.Codec)} frame without an Annex-B start code: {frame}");
            _frames.Add(new FrameRecord(frame.TrackId, frame.Codec, frame.Dts, frame.Pts, frame.Flags, data.Length, at));
            if (retainFrames) _retained.Add(frame.Retain());
        }
    }

    public IReadOnlyList<FrameRecord> FramesOf(CodecId codec) => Frames.Where(f => f.Codec == codec).ToList();

    /// <summary>Media time covered by the video frames so far, in seconds.</summary>
    public double VideoSeconds()
    {
        var video = Frames.Where(f => CodecFacts.KindOf(f.Codec) == MediaKind.Video).ToList();
        return video.Count < 2 ? 0 : (video[^1].Dts - video[0].Dts) / (double)Timestamps.ClockRate;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or throws after <paramref name="timeout"/> naming <paramref name="what"/>.</summary>
    public async Task WaitUntilAsync(Func<CollectingSourceOutput, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s ({Frames.Count} frames, {Tracks.Count} tracks)");
            await Task.Delay(20, CancellationToken.None);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var f in _retained) f.Release();
            _retained.Clear();
        }
    }
}
