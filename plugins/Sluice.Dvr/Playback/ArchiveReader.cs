using System.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Dvr.Archive;
using Sluice.Media.MpegTs;

namespace Sluice.Dvr.Playback;

/// <summary>The frames of one fragment on the export's timeline (retained: dispose releases them), with the tracks as last described.</summary>
internal sealed class FragmentFrames : IDisposable
{
    public List<MediaFrame> Frames { get; } = [];

    public Dictionary<int, TrackInfo> Tracks { get; } = [];

    public void Dispose()
    {
        foreach (var f in Frames) f.Release();
        Frames.Clear();
    }
}

/// <summary>
/// Reads the fragments of an export in order and puts their frames on one timeline that starts at 0 with
/// the keyframe at or before the asked start and stops at the asked end: within a run of contiguous
/// fragments the source's timestamps are kept as they are, and a fragment after a gap (or a new timeline)
/// continues where the one before ended, so the export has no holes. Deterministic: two readers over the
/// same fragments give the same frames (an MP4 is planned by one and written by the next).
/// </summary>
internal sealed class ArchiveReader(StreamArchive archive, IReadOnlyList<Fragment> fragments, long fromMs, long toMs)
{
    private readonly Dictionary<int, long> _lastOut = [];
    private long _offset;
    private long _outEnd;
    private long _sourceLast = long.MinValue;

    public IReadOnlyList<Fragment> Fragments => fragments;

    /// <summary>Fragments that did not continue the one before (gaps in what was recorded).</summary>
    public int Gaps { get; private set; }

    /// <summary>Where the timeline stands between two fragments: saved while planning, restored to start reading at a later fragment.</summary>
    public sealed record State(Dictionary<int, long> LastOut, long Offset, long OutEnd, long SourceLast, int Gaps);

    public State Save() => new(new Dictionary<int, long>(_lastOut), _offset, _outEnd, _sourceLast, Gaps);

    /// <summary>Continues from <paramref name="state"/> (saved by a reader over the same fragments before the fragment to read next).</summary>
    public void Restore(State state)
    {
        _lastOut.Clear();
        foreach (var (track, dts) in state.LastOut) _lastOut[track] = dts;
        _offset = state.Offset;
        _outEnd = state.OutEnd;
        _sourceLast = state.SourceLast;
        Gaps = state.Gaps;
    }

    /// <summary>Reads fragment <paramref name="index"/> (in order: the timeline is built as it goes).</summary>
    public FragmentFrames Read(int index)
    {
        var fragment = fragments[index];
        var result = Demux(archive.PathOf(fragment));
        var frames = result.Frames;
        if (frames.Count == 0) return result;
        var firstDts = frames[0].Dts;
        var kept = new List<MediaFrame>(frames.Count);
        var trimFrom = long.MinValue;
        if (index == 0)
        {
            var start = frames[0];
            var video = frames.Exists(f => f.Kind == MediaKind.Video);
            foreach (var f in frames)
            {
                if (!f.IsKeyframe || (video && f.Kind != MediaKind.Video)) continue;
                if (UtcOf(fragment, firstDts, f.Dts) > fromMs) break;
                start = f;
            }
            trimFrom = start.Dts;
            _offset = -start.Dts;
        }
        else if (fragment.StartMs != fragments[index - 1].EndMs || firstDts < _sourceLast - 90_000)
        {
            _offset = _outEnd - firstDts;
            _sourceLast = long.MinValue; // a new run's timestamps may start anywhere (a restarted source starts low again)
            Gaps++;
        }
        foreach (var f in frames)
        {
            var drop = f.Dts < trimFrom || UtcOf(fragment, firstDts, f.Dts) >= toMs;
            var outDts = f.Dts + _offset;
            if (!drop && _lastOut.TryGetValue(f.TrackId, out var last) && outDts <= last) drop = true;
            if (drop)
            {
                f.Release();
                continue;
            }
            _lastOut[f.TrackId] = outDts;
            _sourceLast = Math.Max(_sourceLast, f.Dts);
            kept.Add(new MediaFrame(f.TrackId, f.Codec, outDts, f.Pts + _offset, f.Flags, f.Payload));
        }
        _outEnd = firstDts + _offset + fragment.DurationMs * 90L;
        frames.Clear();
        frames.AddRange(kept);
        return result;
    }

    private static long UtcOf(Fragment fragment, long firstDts, long dts) => fragment.StartMs + (dts - firstDts) / 90;

    private static FragmentFrames Demux(string path)
    {
        var result = new FragmentFrames();
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = (int)Math.Min(RandomAccess.GetLength(handle), 1L << 30);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, length - read), read);
                if (n == 0) break;
                read += n;
            }
            var sink = new Collector(result);
            using var demuxer = new TsDemuxer(sink);
            demuxer.Feed(buffer.AsSpan(0, read));
            demuxer.Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return result;
    }

    private sealed class Collector(FragmentFrames into) : IFrameSink
    {
        public void OnTrack(TrackInfo track) => into.Tracks[track.TrackId] = track;

        public void OnFrame(in MediaFrame frame) => into.Frames.Add(frame.Retain());
    }
}
