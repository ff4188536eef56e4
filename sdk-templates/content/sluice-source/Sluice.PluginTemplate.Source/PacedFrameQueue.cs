using System.Runtime.InteropServices;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.PluginTemplate.Source;

/// <summary>
/// Sits between the demuxer and the stream. The demuxer pushes what it finds synchronously; this keeps
/// it in order (tracks and frames), each frame retained and moved onto the looped timeline, and
/// <see cref="DrainAsync"/> hands it on when the frame's DTS says it is due, measured on the host's clock
/// from the first frame: real time, without blocking a thread.
/// </summary>
internal sealed class PacedFrameQueue(ISourceOutput output, TimeProvider time) : IFrameSink, IDisposable
{
    /// <summary>Shortest loop: a file of a single frame must not make the loop spin.</summary>
    private static readonly long MinimumLoopTicks = Timestamps.FromMilliseconds(100);

    private readonly Queue<Pending> _pending = new();
    private readonly Dictionary<int, TrackInfo> _announced = [];
    private readonly Dictionary<int, long> _lastDtsThisLoop = [];
    private long? _firstAt;
    private long _firstDts;
    private long _offset;
    private long _loopStart = long.MaxValue;
    private long _loopEnd = long.MinValue;

    /// <summary>Frames the demuxer found in the current pass over the file.</summary>
    public long FramesThisLoop { get; private set; }

    public void OnTrack(TrackInfo track)
    {
        // Each pass has a fresh demuxer that announces the tracks again, first without configuration
        // (from the PMT), then with it (from the first frame): pass on only what is new.
        if (_announced.TryGetValue(track.TrackId, out var known) && (SameSetup(known, track) || KnownBetter(known, track))) return;
        _announced[track.TrackId] = track;
        _pending.Enqueue(new Pending(track, default));
    }

    public void OnFrame(in MediaFrame frame)
    {
        Measure(frame);
        FramesThisLoop++;
        // The frame is borrowed until this returns: keep the payload with a reference of our own (released
        // once the stream had it) in a new frame carrying the shifted timestamps; no bytes are copied.
        var shifted = new MediaFrame(frame.TrackId, frame.Codec, frame.Dts + _offset, frame.Pts + _offset, frame.Flags, frame.Payload.Retain());
        _pending.Enqueue(new Pending(null, shifted));
    }

    /// <summary>
    /// The file starts over: later timestamps move on by the length of the pass just played. One offset for
    /// all tracks keeps them in sync; a track shorter than the longest one (video ending a frame before AAC)
    /// gets that difference as a small gap at the loop point.
    /// </summary>
    public void StartNextLoop()
    {
        _offset += Math.Max(_loopEnd - _loopStart, MinimumLoopTicks);
        _loopStart = long.MaxValue;
        _loopEnd = long.MinValue;
        _lastDtsThisLoop.Clear();
        FramesThisLoop = 0;
    }

    /// <summary>Hands on everything queued, each frame when it is due.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryPeek(out var next))
        {
            if (next.Track is null && DueIn(next.Frame) is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            _pending.Dequeue();
            if (next.Track is { } track)
            {
                output.OnTrack(track);
                continue;
            }
            try
            {
                output.OnFrame(next.Frame);
            }
            finally
            {
                next.Frame.Release();
            }
        }
    }

    /// <summary>Releases the frames still queued (cancellation, failure).</summary>
    public void Dispose()
    {
        while (_pending.TryDequeue(out var pending))
        {
            if (pending.Track is null) pending.Frame.Release();
        }
    }

    private TimeSpan? DueIn(in MediaFrame frame)
    {
        if (_firstAt is not { } firstAt)
        {
            _firstDts = frame.Dts;
            _firstAt = time.GetTimestamp();
            return null;
        }
        return Timestamps.ToTimeSpan(frame.Dts - _firstDts) - time.GetElapsedTime(firstAt);
    }

    /// <summary>The pass's span: from its earliest DTS to the end of its latest frame (DTS plus the track's last step).</summary>
    private void Measure(in MediaFrame frame)
    {
        ref var last = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastDtsThisLoop, frame.TrackId, out var seen);
        var step = seen ? Math.Max(frame.Dts - last, 0) : 0;
        last = frame.Dts;
        _loopStart = Math.Min(_loopStart, frame.Dts);
        _loopEnd = Math.Max(_loopEnd, frame.Dts + step);
    }

    private static bool KnownBetter(TrackInfo known, TrackInfo track) =>
        known.Codec == track.Codec && track.Video is null && track.Audio is null && (known.Video is not null || known.Audio is not null);

    private static bool SameSetup(TrackInfo a, TrackInfo b) =>
        a.Codec == b.Codec && a.StreamType == b.StreamType && a.ProgramNumber == b.ProgramNumber
        && SameVideo(a.Video, b.Video) && SameAudio(a.Audio, b.Audio);

    private static bool SameVideo(VideoConfig? a, VideoConfig? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Sps.AsSpan().SequenceEqual(b.Sps) && a.Pps.AsSpan().SequenceEqual(b.Pps) && a.Vps.AsSpan().SequenceEqual(b.Vps);

    private static bool SameAudio(AudioConfig? a, AudioConfig? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.SampleRate == b.SampleRate && a.Channels == b.Channels && a.SamplesPerFrame == b.SamplesPerFrame
              && a.AudioSpecificConfig.AsSpan().SequenceEqual(b.AudioSpecificConfig);

    /// <summary>A track announcement or a frame, kept in the order the demuxer found them.</summary>
    private readonly record struct Pending(TrackInfo? Track, MediaFrame Frame);
}
