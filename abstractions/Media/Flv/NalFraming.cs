using System.Buffers.Binary;
using Sluice.Media.Codecs;

namespace Sluice.Media.Flv;

/// <summary>
/// Conversion between the length-prefixed NAL units of FLV/MP4 (AVCC/HVCC) and the Annex-B byte
/// stream of the frame model (4-byte start codes). Lengths are checked; nothing is read past the data.
/// </summary>
public static class NalFraming
{
    /// <summary>
    /// Size of <paramref name="prefixed"/> as Annex-B with 4-byte start codes, or -1 when a length field is
    /// cut off or points past the end (malformed).
    /// </summary>
    public static int AnnexBLength(ReadOnlySpan<byte> prefixed, int lengthSize)
    {
        if (lengthSize is not (1 or 2 or 4)) return -1;
        var position = 0;
        long total = 0;
        while (position < prefixed.Length)
        {
            if (prefixed.Length - position < lengthSize) return -1;
            var length = ReadLength(prefixed[position..], lengthSize);
            position += lengthSize;
            if (length > prefixed.Length - position) return -1;
            position += (int)length;
            total += 4 + length;
        }
        return total > int.MaxValue ? -1 : (int)total;
    }

    /// <summary>Writes <paramref name="prefixed"/> as Annex-B into <paramref name="destination"/> (sized by <see cref="AnnexBLength"/>).</summary>
    public static int ToAnnexB(ReadOnlySpan<byte> prefixed, int lengthSize, Span<byte> destination)
    {
        var position = 0;
        var written = 0;
        while (position < prefixed.Length)
        {
            var length = (int)ReadLength(prefixed[position..], lengthSize);
            position += lengthSize;
            destination[written] = 0;
            destination[written + 1] = 0;
            destination[written + 2] = 0;
            destination[written + 3] = 1;
            prefixed.Slice(position, length).CopyTo(destination[(written + 4)..]);
            written += 4 + length;
            position += length;
        }
        return written;
    }

    /// <summary>
    /// Size of <paramref name="annexB"/> as 4-byte length-prefixed units, leaving out access unit
    /// delimiters (FLV has none).
    /// </summary>
    public static int LengthPrefixedLength(ReadOnlySpan<byte> annexB, bool h265)
    {
        var total = 0;
        var offset = 0;
        while (NalUnits.TryFindNext(annexB, ref offset, out var start, out var length))
        {
            if (length == 0 || IsAud(annexB[start], h265)) continue;
            total += 4 + length;
        }
        return total;
    }

    /// <summary>Writes <paramref name="annexB"/> as 4-byte length-prefixed units (delimiters left out); returns the bytes written.</summary>
    public static int ToLengthPrefixed(ReadOnlySpan<byte> annexB, bool h265, Span<byte> destination)
    {
        var written = 0;
        var offset = 0;
        while (NalUnits.TryFindNext(annexB, ref offset, out var start, out var length))
        {
            if (length == 0 || IsAud(annexB[start], h265)) continue;
            BinaryPrimitives.WriteInt32BigEndian(destination[written..], length);
            annexB.Slice(start, length).CopyTo(destination[(written + 4)..]);
            written += 4 + length;
        }
        return written;
    }

    private static bool IsAud(byte header, bool h265) =>
        h265 ? NalUnits.H265Type(header) == NalUnits.H265Aud : NalUnits.H264Type(header) == NalUnits.H264Aud;

    private static uint ReadLength(ReadOnlySpan<byte> data, int lengthSize) => lengthSize switch
    {
        1 => data[0],
        2 => BinaryPrimitives.ReadUInt16BigEndian(data),
        _ => BinaryPrimitives.ReadUInt32BigEndian(data),
    };
}
