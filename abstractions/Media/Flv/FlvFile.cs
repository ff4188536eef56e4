using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.Media.Flv;

/// <summary>
/// The FLV file layout (FLV 10.1, E.2-E.3): a 9-byte header, then tags (11-byte header, body) each
/// followed by its size. For FLV files of tests, exports and archives; RTMP carries tag bodies alone.
/// </summary>
public static class FlvFile
{
    /// <summary>Length of the file header, and of a tag header.</summary>
    public const int HeaderLength = 9, TagHeaderLength = 11;

    /// <summary>Writes the file header and the first (zero) previous-tag size.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, bool hasAudio, bool hasVideo)
    {
        var span = output.GetSpan(HeaderLength + 4);
        "FLV"u8.CopyTo(span);
        span[3] = 1;
        span[4] = (byte)((hasAudio ? 4 : 0) | (hasVideo ? 1 : 0));
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], HeaderLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[9..], 0);
        output.Advance(HeaderLength + 4);
    }

    /// <summary>Writes one tag and its previous-tag size.</summary>
    public static void WriteTag(IBufferWriter<byte> output, byte tagType, long timestampMs, ReadOnlySpan<byte> body)
    {
        if (body.Length > 0xFFFFFF) throw new ArgumentException("an FLV tag body holds at most 16 MB", nameof(body));
        var span = output.GetSpan(TagHeaderLength + body.Length + 4);
        var ts = (uint)timestampMs;
        span[0] = tagType;
        WriteUInt24(span[1..], body.Length);
        WriteUInt24(span[4..], (int)(ts & 0xFFFFFF));
        span[7] = (byte)(ts >> 24);
        WriteUInt24(span[8..], 0);
        body.CopyTo(span[TagHeaderLength..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[(TagHeaderLength + body.Length)..], (uint)(TagHeaderLength + body.Length));
        output.Advance(TagHeaderLength + body.Length + 4);
    }

    /// <summary>Checks the file header; <paramref name="offset"/> is where the first tag starts.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> file, out int offset)
    {
        offset = 0;
        if (file.Length < HeaderLength + 4 || !file.StartsWith("FLV"u8)) return false;
        var size = BinaryPrimitives.ReadUInt32BigEndian(file[5..]);
        if (size < HeaderLength || size > file.Length - 4) return false;
        offset = (int)size + 4;
        return true;
    }

    /// <summary>Reads the tag at <paramref name="offset"/> and moves past it; false at the end or on a truncated tag.</summary>
    public static bool TryReadTag(ReadOnlySpan<byte> file, ref int offset, out byte tagType, out long timestampMs, out ReadOnlySpan<byte> body)
    {
        tagType = 0;
        timestampMs = 0;
        body = default;
        if (file.Length - offset < TagHeaderLength) return false;
        var h = file[offset..];
        var length = ReadUInt24(h[1..]);
        if (h.Length < TagHeaderLength + length) return false;
        tagType = (byte)(h[0] & 0x1F);
        timestampMs = (uint)(ReadUInt24(h[4..]) | (h[7] << 24));
        body = h.Slice(TagHeaderLength, length);
        offset += Math.Min(TagHeaderLength + length + 4, h.Length);
        return true;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> b) => (b[0] << 16) | (b[1] << 8) | b[2];

    private static void WriteUInt24(Span<byte> b, int v)
    {
        b[0] = (byte)(v >> 16);
        b[1] = (byte)(v >> 8);
        b[2] = (byte)v;
    }
}
