using System.Buffers;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.Mp4;

/// <summary>
/// Plans a progressive MP4 whose <c>moov</c> comes first (playable and seekable as it downloads): add every
/// sample in the order its bytes will follow in <c>mdat</c> (consecutive samples of one track form a chunk),
/// then write the header (<c>ftyp</c>, <c>moov</c>, the <c>mdat</c> box header) and the samples' bytes after
/// it, as <see cref="Mp4Samples.Write"/> makes them. The file's length is known before its first byte is
/// written; the memory is the sample tables (about 21 bytes per sample), never the media.
/// Timestamps are 90 kHz ticks; each track starts where its first sample is presented (edit lists).
/// </summary>
public sealed class Mp4MovieWriter
{
    private const int MovieTimescale = 1000;
    private readonly TrackInfo[] _tracks;
    private readonly SampleTable[] _tables;
    private readonly int[] _timescales;
    private int _lastTrack = -1;

    /// <summary>Creates a writer for <paramref name="tracks"/>; throws <see cref="ArgumentException"/> for a codec it cannot carry or a video track without parameter sets.</summary>
    public Mp4MovieWriter(IReadOnlyList<TrackInfo> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        if (tracks.Count == 0) throw new ArgumentException("An MP4 needs at least one track.", nameof(tracks));
        foreach (var t in tracks)
        {
            if (!Mp4Samples.CanCarry(t.Codec)) throw new ArgumentException($"Codec {t.Codec} of track {t.TrackId} cannot be written to MP4.", nameof(tracks));
            if (t.Kind == MediaKind.Video && t.Video is not { Sps.Length: > 3, Pps.Length: > 0 })
                throw new ArgumentException($"Video track {t.TrackId} has no parameter sets.", nameof(tracks));
        }
        _tracks = [.. tracks];
        _tables = _tracks.Select(_ => new SampleTable()).ToArray();
        _timescales = _tracks.Select(Mp4Timescales.Of).ToArray();
    }

    public IReadOnlyList<TrackInfo> Tracks => _tracks;

    /// <summary>Bytes of sample data (the payload of mdat).</summary>
    public long MediaDataLength { get; private set; }

    /// <summary>Samples added to track <paramref name="track"/>.</summary>
    public int SampleCount(int track) => _tables[track].Count;

    /// <summary>
    /// Adds the next sample of mdat: track index (into the tracks given), its size (<see cref="Mp4Samples.Measure"/>),
    /// decode and presentation time (90 kHz, increasing decode times per track) and whether it is a sync sample.
    /// </summary>
    public void AddSample(int track, int size, long dts, long pts, bool keyframe)
    {
        var scale = _timescales[track];
        _tables[track].Add(size, Rescale(dts, scale), Rescale(pts, scale), keyframe || _tracks[track].Kind == MediaKind.Audio,
            newChunk: track != _lastTrack, MediaDataLength);
        _lastTrack = track;
        MediaDataLength += size;
    }

    /// <summary>Presentation length of the movie.</summary>
    public TimeSpan Duration => TimeSpan.FromMilliseconds(Enumerable.Range(0, _tracks.Length).Max(i => TrackEnd(i)) - MovieStart());

    /// <summary>Length of <c>ftyp</c> + <c>moov</c> + the mdat header, i.e. where the first sample's byte goes.</summary>
    public long HeaderLength
    {
        get
        {
            using var header = Build();
            return header.Length;
        }
    }

    /// <summary>The whole file's length.</summary>
    public long FileLength => HeaderLength + MediaDataLength;

    /// <summary>Writes <c>ftyp</c>, <c>moov</c> and the mdat box header; the samples' bytes follow in the order they were added.</summary>
    public void WriteHeader(IBufferWriter<byte> output)
    {
        using var header = Build();
        var span = output.GetSpan(header.Length);
        header.Written.CopyTo(span);
        output.Advance(header.Length);
    }

    private static long Rescale(long ticks, int scale) =>
        scale == Timestamps.ClockRate ? ticks : (long)Math.Round(ticks * (double)scale / Timestamps.ClockRate, MidpointRounding.AwayFromZero);

    private bool LargeOffsets => MediaDataLength + (64L << 20) > uint.MaxValue;

    private BoxBuffer Build()
    {
        // The sample offsets depend on the header's length, which does not depend on their values: build
        // once to learn it, then again with the real base.
        var probe = BuildWith(0);
        var length = probe.Length;
        probe.Dispose();
        return BuildWith(length);
    }

    private BoxBuffer BuildWith(long mediaBase)
    {
        var b = new BoxBuffer(64 * 1024 + _tables.Sum(t => t.Count) * 12);
        var ftyp = b.Begin("ftyp");
        b.FourCc("isom"); b.U32(512u);
        b.FourCc("isom"); b.FourCc("iso2"); b.FourCc("avc1"); b.FourCc("mp41");
        b.End(ftyp);

        var moov = b.Begin("moov");
        var movieStart = MovieStart();
        var movieEnd = Enumerable.Range(0, _tracks.Length).Max(TrackEnd);
        var mvhd = b.BeginFull("mvhd", 0, 0);
        b.U32(0u); b.U32(0u);          // creation, modification
        b.U32((uint)MovieTimescale);
        b.U32(movieEnd - movieStart);
        b.U32(0x00010000u); b.U16(0x0100); b.Zeros(10);
        b.UnityMatrix();
        b.Zeros(24);
        b.U32((uint)(_tracks.Length + 1));
        b.End(mvhd);
        for (var i = 0; i < _tracks.Length; i++) Track(b, i, movieStart, mediaBase);
        b.End(moov);

        var large = mediaBase + MediaDataLength + 16 > uint.MaxValue || LargeOffsets;
        if (large)
        {
            b.U32(1u); b.FourCc("mdat"); b.U64(16 + MediaDataLength);
        }
        else
        {
            b.U32(8 + MediaDataLength); b.FourCc("mdat");
        }
        return b;
    }

    /// <summary>Where the movie starts: the earliest presentation time of any track, in ms.</summary>
    private long MovieStart()
    {
        var start = long.MaxValue;
        for (var i = 0; i < _tracks.Length; i++)
        {
            if (_tables[i].Count > 0) start = Math.Min(start, TrackStartMs(i));
        }
        return start == long.MaxValue ? 0 : start;
    }

    private long TrackStartMs(int i) => _tables[i].FirstPts * MovieTimescale / _timescales[i];

    private long TrackEnd(int i) =>
        _tables[i].Count == 0 ? 0 : TrackStartMs(i) + TrackDuration(i) * MovieTimescale / _timescales[i];

    private long TrackDuration(int i) => _tables[i].Duration(LastSampleDuration(i));

    private long LastSampleDuration(int i)
    {
        var t = _tracks[i];
        if (t.Kind == MediaKind.Audio && t.Audio is { SamplesPerFrame: > 0 } a)
            return t.Codec == CodecId.Opus ? 960 : a.SamplesPerFrame;
        return _timescales[i] / 25;
    }

    private void Track(BoxBuffer b, int i, long movieStart, long mediaBase)
    {
        var track = _tracks[i];
        var table = _tables[i];
        var scale = _timescales[i];
        var video = track.Kind == MediaKind.Video;
        var duration = TrackDuration(i);
        var durationMs = duration * MovieTimescale / scale;
        var delayMs = table.Count == 0 ? 0 : TrackStartMs(i) - movieStart;

        var trak = b.Begin("trak");
        var tkhd = b.BeginFull("tkhd", 0, 3);
        b.U32(0u); b.U32(0u);
        b.U32((uint)(i + 1));
        b.U32(0u);
        b.U32(delayMs + durationMs);
        b.Zeros(8);
        b.U16(0); b.U16(0);            // layer, alternate group
        b.U16(video ? 0 : 0x0100);
        b.U16(0);
        b.UnityMatrix();
        b.U32(video ? (uint)(track.Video!.Width << 16) : 0u);
        b.U32(video ? (uint)(track.Video!.Height << 16) : 0u);
        b.End(tkhd);

        if (table.Count > 0)
        {
            var edts = b.Begin("edts");
            var elst = b.BeginFull("elst", 0, 0);
            b.U32(delayMs > 0 ? 2u : 1u);
            if (delayMs > 0)
            {
                b.U32(delayMs); b.I32(-1); b.U32(0x00010000u);
            }
            b.U32(durationMs);
            b.I32((int)(table.FirstPts - table.DtsAt(0)));
            b.U32(0x00010000u);
            b.End(elst);
            b.End(edts);
        }

        var mdia = b.Begin("mdia");
        var mdhd = b.BeginFull("mdhd", 1, 0);
        b.U64(0); b.U64(0);
        b.U32((uint)scale);
        b.U64(duration);
        b.U16(0x55C4); b.U16(0);       // 'und'
        b.End(mdhd);
        var hdlr = b.BeginFull("hdlr", 0, 0);
        b.U32(0u);
        b.FourCc(video ? "vide" : "soun");
        b.Zeros(12);
        foreach (var c in video ? "VideoHandler" : "SoundHandler") b.U8(c);
        b.U8(0);
        b.End(hdlr);

        var minf = b.Begin("minf");
        if (video)
        {
            var vmhd = b.BeginFull("vmhd", 0, 1);
            b.Zeros(8);
            b.End(vmhd);
        }
        else
        {
            var smhd = b.BeginFull("smhd", 0, 0);
            b.Zeros(4);
            b.End(smhd);
        }
        var dinf = b.Begin("dinf");
        var dref = b.BeginFull("dref", 0, 0);
        b.U32(1u);
        var url = b.BeginFull("url ", 0, 1);
        b.End(url);
        b.End(dref);
        b.End(dinf);
        SampleTableBoxes(b, i, mediaBase);
        b.End(minf);
        b.End(mdia);
        b.End(trak);
    }

    private void SampleTableBoxes(BoxBuffer b, int i, long mediaBase)
    {
        var table = _tables[i];
        var stbl = b.Begin("stbl");

        var stsd = b.BeginFull("stsd", 0, 0);
        b.U32(1u);
        SampleEntries.Write(b, _tracks[i]);
        b.End(stsd);

        // stts: runs of equal durations.
        var stts = b.BeginFull("stts", 0, 0);
        var countAt = b.Length;
        b.U32(0u);
        var runs = 0;
        var last = LastSampleDuration(i);
        for (var s = 0; s < table.Count;)
        {
            var d = table.DurationAt(s, last);
            var n = 1;
            while (s + n < table.Count && table.DurationAt(s + n, last) == d) n++;
            b.U32((uint)n); b.U32((uint)Math.Max(d, 0));
            runs++;
            s += n;
        }
        Patch(b, countAt, runs);
        b.End(stts);

        if (table.HasCompositionOffsets)
        {
            var ctts = b.BeginFull("ctts", table.NegativeCompositionOffsets ? (byte)1 : (byte)0, 0);
            countAt = b.Length;
            b.U32(0u);
            runs = 0;
            for (var s = 0; s < table.Count;)
            {
                var c = table.CtsAt(s);
                var n = 1;
                while (s + n < table.Count && table.CtsAt(s + n) == c) n++;
                b.U32((uint)n); b.I32(c);
                runs++;
                s += n;
            }
            Patch(b, countAt, runs);
            b.End(ctts);
        }

        if (!table.AllSync)
        {
            var stss = b.BeginFull("stss", 0, 0);
            b.U32((uint)table.SyncSamples.Count);
            foreach (var s in table.SyncSamples) b.U32((uint)(s + 1));
            b.End(stss);
        }

        var stsc = b.BeginFull("stsc", 0, 0);
        countAt = b.Length;
        b.U32(0u);
        runs = 0;
        var previous = -1;
        for (var c = 0; c < table.Chunks.Count; c++)
        {
            var n = table.SamplesInChunk(c);
            if (n == previous) continue;
            b.U32((uint)(c + 1)); b.U32((uint)n); b.U32(1u);
            previous = n;
            runs++;
        }
        Patch(b, countAt, runs);
        b.End(stsc);

        var stsz = b.BeginFull("stsz", 0, 0);
        b.U32(0u);
        b.U32((uint)table.Count);
        for (var s = 0; s < table.Count; s++) b.U32((uint)table.SizeAt(s));
        b.End(stsz);

        var large = LargeOffsets;
        var stco = b.BeginFull(large ? "co64" : "stco", 0, 0);
        b.U32((uint)table.Chunks.Count);
        foreach (var (_, offset) in table.Chunks)
        {
            if (large) b.U64(mediaBase + offset);
            else b.U32((uint)(mediaBase + offset));
        }
        b.End(stco);
        b.End(stbl);
    }

    private static void Patch(BoxBuffer b, int at, int value) => b.PatchU32(at, (uint)value);
}
