using System.IO.Pipelines;
using Sluice.Abstractions.Frames;
using Sluice.Dvr.Archive;
using Sluice.Media.Mp4;

namespace Sluice.Dvr.Playback;

/// <summary>
/// <c>archive-FROM-DURATION.mp4</c>: a progressive MP4 remuxed from the fragments (no transcoding), its
/// <c>moov</c> first so it plays and seeks while it downloads. Two passes over the fragments: the first plans
/// every sample (sizes and times: the length of the file is known before its first byte), the second
/// writes them; memory is the sample table (tens of bytes per sample) and one fragment, never the range.
/// In mdat each fragment is one chunk per track (video, then audio).
/// </summary>
internal sealed class Mp4Export
{
    private readonly record struct Planned(int Pid, int Size);

    private readonly StreamArchive _archive;
    private readonly Fragment[] _fragments;
    private readonly long _fromMs, _toMs;
    private readonly Dictionary<int, TrackInfo> _entries = [];
    private readonly Dictionary<int, int> _firstFragment = [];
    private readonly Dictionary<int, int> _trackIndex = [];
    private readonly List<Planned> _samples = [];

    private Mp4Export(StreamArchive archive, Fragment[] fragments, long fromMs, long toMs)
    {
        _archive = archive;
        _fragments = fragments;
        _fromMs = fromMs;
        _toMs = toMs;
    }

    public Mp4MovieWriter Movie { get; private set; } = null!;

    public int Gaps { get; private set; }

    public long FileLength => Movie.FileLength;

    /// <summary>The first pass; throws <see cref="InvalidDataException"/> when nothing in the range can go into an MP4.</summary>
    public static Mp4Export Plan(StreamArchive archive, Fragment[] fragments, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var export = new Mp4Export(archive, fragments, fromMs, toMs);
        export.RunPlan(cancellationToken);
        return export;
    }

    private void RunPlan(CancellationToken cancellationToken)
    {
        var reader = new ArchiveReader(_archive, _fragments, _fromMs, _toMs);
        var timed = new List<(int Pid, int Size, long Dts, long Pts, bool Key)>();
        for (var i = 0; i < _fragments.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var frames = reader.Read(i);
            foreach (var (pid, track) in frames.Tracks)
            {
                if (_entries.ContainsKey(pid) || !Usable(track)) continue;
                _entries[pid] = track;
                _firstFragment[pid] = i;
            }
            foreach (var frame in InMdatOrder(frames, i))
            {
                var size = Mp4Samples.Measure(_entries[frame.TrackId], frame.Data);
                timed.Add((frame.TrackId, size, frame.Dts, frame.Pts, frame.IsKeyframe));
                _samples.Add(new Planned(frame.TrackId, size));
            }
        }
        Gaps = reader.Gaps;
        var order = _entries.Values.OrderBy(t => t.Kind == MediaKind.Video ? 0 : 1).ThenBy(t => t.TrackId).ToArray();
        if (order.Length == 0 || timed.Count == 0) throw new InvalidDataException("no audio or video in the range can be written to MP4");
        for (var i = 0; i < order.Length; i++) _trackIndex[order[i].TrackId] = i;
        Movie = new Mp4MovieWriter(order);
        foreach (var s in timed) Movie.AddSample(_trackIndex[s.Pid], s.Size, s.Dts, s.Pts, s.Key);
    }

    /// <summary>The second pass: the header and every sample, flushed as it goes. Returns the bytes written.</summary>
    public async Task<long> WriteAsync(PipeWriter output, Action<long> sent, CancellationToken cancellationToken)
    {
        Movie.WriteHeader(output);
        var total = Movie.HeaderLength;
        var unflushed = total;
        var reader = new ArchiveReader(_archive, _fragments, _fromMs, _toMs);
        var next = 0;
        for (var i = 0; i < _fragments.Length; i++)
        {
            using var frames = reader.Read(i);
            foreach (var frame in InMdatOrder(frames, i))
            {
                var entry = _entries[frame.TrackId];
                var size = Mp4Samples.Measure(entry, frame.Data);
                if (next >= _samples.Count || _samples[next].Pid != frame.TrackId || _samples[next].Size != size)
                    throw new InvalidDataException("the archive changed while it was exported");
                next++;
                var written = Mp4Samples.Write(entry, frame.Data, output.GetSpan(size));
                output.Advance(written);
                unflushed += written;
                total += written;
            }
            if (unflushed >= 256 << 10 || i == _fragments.Length - 1)
            {
                var flushed = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                sent(unflushed);
                unflushed = 0;
                if (flushed.IsCompleted || flushed.IsCanceled) throw new OperationCanceledException("the client left");
            }
        }
        if (next != _samples.Count) throw new InvalidDataException("the archive changed while it was exported");
        return total;
    }

    /// <summary>The frames of a fragment that go into the MP4, grouped as the chunks of mdat: video tracks first, then audio, by track id.</summary>
    private IEnumerable<MediaFrame> InMdatOrder(FragmentFrames frames, int fragment)
    {
        var pids = _entries.Keys.Where(p => _firstFragment[p] <= fragment)
            .OrderBy(p => _entries[p].Kind == MediaKind.Video ? 0 : 1).ThenBy(p => p);
        foreach (var pid in pids)
        {
            var codec = _entries[pid].Codec;
            foreach (var f in frames.Frames)
            {
                if (f.TrackId == pid && f.Codec == codec && f.Payload.Length > 0) yield return f;
            }
        }
    }

    private static bool Usable(TrackInfo t) =>
        Mp4Samples.CanCarry(t.Codec)
        && (t.Kind != MediaKind.Video || t.Video is { Sps.Length: > 3, Pps.Length: > 0 })
        && (t.Codec != CodecId.Aac || t.Audio is { AudioSpecificConfig.Length: > 0 });
}
