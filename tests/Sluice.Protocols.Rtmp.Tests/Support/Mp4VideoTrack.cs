using System.Buffers.Binary;
using System.Text;

namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>One coded picture of an MP4 video track: its decode time in milliseconds, whether it is a sync sample, its bytes.</summary>
internal sealed record Mp4Sample(long DtsMs, bool Keyframe, byte[] Data);

/// <summary>
/// The video track of an MP4 file that ffmpeg wrote (ISO/IEC 14496-12), read with no help from Sluice's own code:
/// the sample entry's FourCC (hvc1, av01), its decoder configuration record (hvcC, av1C) and every sample. Enhanced
/// RTMP carries exactly these: the record in a SequenceStart tag, the samples (length-prefixed NAL units for HEVC, the
/// low-overhead OBU stream for AV1) in CodedFrames tags.
/// </summary>
internal sealed class Mp4VideoTrack
{
    private Mp4VideoTrack(string fourCc, byte[] configRecord, IReadOnlyList<Mp4Sample> samples)
    {
        FourCc = fourCc;
        ConfigRecord = configRecord;
        Samples = samples;
    }

    public string FourCc { get; }
    public byte[] ConfigRecord { get; }
    public IReadOnlyList<Mp4Sample> Samples { get; }

    public static Mp4VideoTrack Read(string path)
    {
        var file = File.ReadAllBytes(path);
        var moov = Child(file, "moov") ?? throw new InvalidDataException("no moov");
        foreach (var trak in Children(moov, "trak"))
        {
            var mdia = Child(trak, "mdia")!.Value;
            if (Encoding.ASCII.GetString(Child(mdia, "hdlr")!.Value.Span.Slice(8, 4)) != "vide") continue;
            var timescale = BinaryPrimitives.ReadUInt32BigEndian(Child(mdia, "mdhd")!.Value.Span[12..]); // version 0
            var stbl = Child(Child(mdia, "minf")!.Value, "stbl")!.Value;
            return FromSampleTable(file, stbl, timescale);
        }
        throw new InvalidDataException("no video track");
    }

    private static Mp4VideoTrack FromSampleTable(byte[] file, ReadOnlyMemory<byte> stbl, uint timescale)
    {
        // stsd: full box header, entry count, then the first VisualSampleEntry: 8 bytes of SampleEntry and 70 of
        // visual fields before its child boxes (hvcC / av1C, colr, pasp, btrt...).
        var stsd = Child(stbl, "stsd")!.Value;
        var entry = stsd[8..];
        var entrySize = (int)BinaryPrimitives.ReadUInt32BigEndian(entry.Span);
        var fourCc = Encoding.ASCII.GetString(entry.Span.Slice(4, 4));
        var configName = fourCc switch { "hvc1" or "hev1" => "hvcC", "av01" => "av1C", "avc1" => "avcC", _ => throw new InvalidDataException(fourCc) };
        var config = Child(entry[(8 + 8 + 70)..entrySize], configName) ?? throw new InvalidDataException("no " + configName);

        var sizes = SampleSizes(Child(stbl, "stsz")!.Value.Span);
        var offsets = SampleOffsets(stbl, sizes);
        var keys = Child(stbl, "stss") is { } stss ? Table(stss.Span, 1).Select(r => (int)r[0] - 1).ToHashSet() : null;
        var samples = new List<Mp4Sample>(sizes.Length);
        long dts = 0;
        var index = 0;
        foreach (var run in Table(Child(stbl, "stts")!.Value.Span, 2))
        {
            for (var i = 0; i < run[0] && index < sizes.Length; i++, index++)
            {
                samples.Add(new Mp4Sample(dts * 1000 / timescale, keys?.Contains(index) ?? true, file.AsSpan((int)offsets[index], sizes[index]).ToArray()));
                dts += run[1];
            }
        }
        return new Mp4VideoTrack(fourCc, config.ToArray(), samples);
    }

    private static int[] SampleSizes(ReadOnlySpan<byte> stsz)
    {
        var fixedSize = (int)BinaryPrimitives.ReadUInt32BigEndian(stsz[4..]);
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(stsz[8..]);
        var sizes = new int[count];
        for (var i = 0; i < count; i++) sizes[i] = fixedSize != 0 ? fixedSize : (int)BinaryPrimitives.ReadUInt32BigEndian(stsz[(12 + 4 * i)..]);
        return sizes;
    }

    /// <summary>Each sample's file offset, from the chunk offsets (stco or co64) and the sample-to-chunk runs (stsc).</summary>
    private static long[] SampleOffsets(ReadOnlyMemory<byte> stbl, int[] sizes)
    {
        var chunks = Child(stbl, "stco") is { } stco
            ? Table(stco.Span, 1).Select(r => r[0]).ToArray()
            : Table64(Child(stbl, "co64")!.Value.Span);
        var runs = Table(Child(stbl, "stsc")!.Value.Span, 3).ToArray();
        var offsets = new long[sizes.Length];
        var sample = 0;
        for (var c = 0; c < chunks.Length && sample < sizes.Length; c++)
        {
            var perChunk = runs.Last(r => r[0] <= c + 1)[1];
            var offset = chunks[c];
            for (var i = 0; i < perChunk && sample < sizes.Length; i++, sample++)
            {
                offsets[sample] = offset;
                offset += sizes[sample];
            }
        }
        return offsets;
    }

    /// <summary>The rows of a full box's table: entry count, then <paramref name="columns"/> 32-bit values a row.</summary>
    private static IEnumerable<long[]> Table(ReadOnlySpan<byte> box, int columns)
    {
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(box[4..]);
        var rows = new List<long[]>(count);
        for (var i = 0; i < count; i++)
        {
            var row = new long[columns];
            for (var c = 0; c < columns; c++) row[c] = BinaryPrimitives.ReadUInt32BigEndian(box[(8 + 4 * (i * columns + c))..]);
            rows.Add(row);
        }
        return rows;
    }

    private static long[] Table64(ReadOnlySpan<byte> box)
    {
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(box[4..]);
        var values = new long[count];
        for (var i = 0; i < count; i++) values[i] = (long)BinaryPrimitives.ReadUInt64BigEndian(box[(8 + 8 * i)..]);
        return values;
    }

    private static ReadOnlyMemory<byte>? Child(ReadOnlyMemory<byte> parent, string type) => Children(parent, type).Cast<ReadOnlyMemory<byte>?>().FirstOrDefault();

    /// <summary>The payloads of the boxes of <paramref name="type"/> directly inside <paramref name="parent"/>.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Children(ReadOnlyMemory<byte> parent, string type)
    {
        var found = new List<ReadOnlyMemory<byte>>();
        var at = 0;
        while (at + 8 <= parent.Length)
        {
            var span = parent.Span[at..];
            long size = BinaryPrimitives.ReadUInt32BigEndian(span);
            var header = 8;
            if (size == 1)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(span[8..]);
                header = 16;
            }
            else if (size == 0) size = parent.Length - at;
            if (size < header || at + size > parent.Length) break;
            if (Encoding.ASCII.GetString(span.Slice(4, 4)) == type) found.Add(parent.Slice(at + header, (int)size - header));
            at += (int)size;
        }
        return found;
    }
}
