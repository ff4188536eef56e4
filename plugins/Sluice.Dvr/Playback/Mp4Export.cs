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
/// In mdat each fragment is one chunk per track (video, then audio). The plan also keeps, per fragment,
/// where its bytes start and the reader's timeline before it, so a byte range (a player seeking) is written
/// from the fragment it falls in, not from the start.
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
    private readonly List<long> _fragmentOffset = []; // the mdat offset where fragment i's bytes start
    private readonly List<int> _fragmentSample = []; // the index of fragment i's first sample
    private readonly List<ArchiveReader.State> _fragmentState = [];
    private byte[]? _header;

    private Mp4Export(StreamArchive archive, Fragment[] fragments, long fromMs, long toMs)
    {
        _archive = archive;
        _fragments = fragments;
        _fromMs = fromMs;
        _toMs = toMs;
    }

    public Mp4MovieWriter Movie { get; private set; } = null!;

    public int Gaps { get; private set; }

    public long FileLength => Header.Length + Movie.MediaDataLength;

    /// <summary><c>ftyp</c>, <c>moov</c> and the mdat header, built once (an export may be read by several range requests).</summary>
    private byte[] Header
    {
        get
        {
            if (Volatile.Read(ref _header) is { } built) return built;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            Movie.WriteHeader(buffer);
            return Interlocked.CompareExchange(ref _header, buffer.WrittenSpan.ToArray(), null) ?? _header;
        }
    }

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
        long mdat = 0;
        for (var i = 0; i < _fragments.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _fragmentOffset.Add(mdat);
            _fragmentSample.Add(_samples.Count);
            _fragmentState.Add(reader.Save());
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
                mdat += size;
            }
        }
        Gaps = reader.Gaps;
        var order = _entries.Values.OrderBy(t => t.Kind == MediaKind.Video ? 0 : 1).ThenBy(t => t.TrackId).ToArray();
        if (order.Length == 0 || timed.Count == 0) throw new InvalidDataException("no audio or video in the range can be written to MP4");
        for (var i = 0; i < order.Length; i++) _trackIndex[order[i].TrackId] = i;
        Movie = new Mp4MovieWriter(order);
        foreach (var s in timed) Movie.AddSample(_trackIndex[s.Pid], s.Size, s.Dts, s.Pts, s.Key);
    }

    /// <summary>The second pass: the whole file, flushed as it goes. Returns the bytes written.</summary>
    public Task<long> WriteAsync(PipeWriter output, Action<long> sent, CancellationToken cancellationToken) =>
        WriteAsync(output, 0, FileLength - 1, sent, cancellationToken);

    /// <summary>
    /// The bytes <paramref name="first"/> to <paramref name="last"/> (inclusive, within <see cref="FileLength"/>) of the
    /// file: the header's part, then the samples from the fragment holding <paramref name="first"/> on. Returns the bytes written.
    /// </summary>
    public async Task<long> WriteAsync(PipeWriter output, long first, long last, Action<long> sent, CancellationToken cancellationToken)
    {
        var header = Header;
        long total = 0, unflushed = 0;
        if (first < header.Length)
        {
            var part = header.AsMemory((int)first, (int)Math.Min(header.Length - first, last - first + 1));
            part.Span.CopyTo(output.GetSpan(part.Length));
            output.Advance(part.Length);
            total = unflushed = part.Length;
        }
        // Positions from here on are offsets into mdat's payload.
        var from = Math.Max(0, first - header.Length);
        var to = last - header.Length; // inclusive; negative when the range ends in the header
        var start = _fragments.Length;
        if (from <= to)
        {
            var found = _fragmentOffset.BinarySearch(from);
            start = Math.Max(0, found >= 0 ? found : ~found - 1);
        }
        var reader = new ArchiveReader(_archive, _fragments, _fromMs, _toMs);
        if (start < _fragments.Length && start > 0) reader.Restore(_fragmentState[start]);
        var next = start < _fragments.Length ? _fragmentSample[start] : _samples.Count;
        var position = start < _fragments.Length ? _fragmentOffset[start] : 0;
        byte[]? scratch = null;
        try
        {
            for (var i = start; i < _fragments.Length && position <= to; i++)
            {
                using var frames = reader.Read(i);
                foreach (var frame in InMdatOrder(frames, i))
                {
                    if (position > to) break;
                    var entry = _entries[frame.TrackId];
                    var size = Mp4Samples.Measure(entry, frame.Data);
                    if (next >= _samples.Count || _samples[next].Pid != frame.TrackId || _samples[next].Size != size)
                        throw new InvalidDataException("the archive changed while it was exported");
                    next++;
                    var end = position + size; // exclusive
                    if (end > from)
                    {
                        int written;
                        if (position >= from && end - 1 <= to)
                        {
                            written = Mp4Samples.Write(entry, frame.Data, output.GetSpan(size));
                        }
                        else
                        {
                            // A sample cut by the range's edge: written whole aside, the part inside copied.
                            if (scratch is null || scratch.Length < size)
                            {
                                if (scratch is not null) System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
                                scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
                            }
                            Mp4Samples.Write(entry, frame.Data, scratch);
                            var skip = (int)Math.Max(0, from - position);
                            written = (int)(Math.Min(end - 1, to) - (position + skip) + 1);
                            scratch.AsSpan(skip, written).CopyTo(output.GetSpan(written));
                        }
                        output.Advance(written);
                        unflushed += written;
                        total += written;
                    }
                    position = end;
                }
                if (unflushed >= 256 << 10)
                {
                    await FlushAsync(output, unflushed, sent, cancellationToken).ConfigureAwait(false);
                    unflushed = 0;
                }
            }
        }
        finally
        {
            if (scratch is not null) System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
        if (unflushed > 0) await FlushAsync(output, unflushed, sent, cancellationToken).ConfigureAwait(false);
        if (total != last - first + 1) throw new InvalidDataException("the archive changed while it was exported");
        return total;
    }

    private static async Task FlushAsync(PipeWriter output, long bytes, Action<long> sent, CancellationToken cancellationToken)
    {
        var flushed = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        sent(bytes);
        if (flushed.IsCompleted || flushed.IsCanceled) throw new OperationCanceledException("the client left");
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
