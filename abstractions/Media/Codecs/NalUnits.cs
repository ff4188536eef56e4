namespace Sluice.Media.Codecs;

/// <summary>Annex-B byte stream helpers shared by H.264 and H.265.</summary>
public static class NalUnits
{
    /// <summary>
    /// Finds the next NAL unit at or after <paramref name="offset"/>: returns true with the unit's
    /// start (first header byte) and length (up to the next start code, trailing zeros trimmed).
    /// </summary>
    public static bool TryFindNext(ReadOnlySpan<byte> annexB, ref int offset, out int start, out int length)
    {
        start = length = 0;
        var codeAt = IndexOfStartCode(annexB, offset);
        if (codeAt < 0)
        {
            offset = annexB.Length;
            return false;
        }
        start = codeAt + 3;
        var next = IndexOfStartCode(annexB, start);
        var end = next < 0 ? annexB.Length : next;
        // A 4-byte start code (or trailing_zero bytes) leaves zeros at the end of this unit.
        while (end > start && annexB[end - 1] == 0) end--;
        length = end - start;
        offset = next < 0 ? annexB.Length : next;
        return true;
    }

    /// <summary>
    /// Finds the start (first header byte) of the next NAL unit at or after <paramref name="offset"/>
    /// without scanning the unit itself, and moves <paramref name="offset"/> there. Cheaper than
    /// <see cref="TryFindNext"/> when only the header matters (slices are most of a picture).
    /// </summary>
    public static bool TryFindNextStart(ReadOnlySpan<byte> annexB, ref int offset, out int start)
    {
        var codeAt = IndexOfStartCode(annexB, offset);
        start = codeAt + 3;
        if (codeAt < 0 || start >= annexB.Length)
        {
            offset = annexB.Length;
            start = 0;
            return false;
        }
        offset = start;
        return true;
    }

    /// <summary>End (exclusive) of the NAL unit starting at <paramref name="start"/>: the next start code, trailing zeros trimmed.</summary>
    public static int EndOf(ReadOnlySpan<byte> annexB, int start)
    {
        var next = IndexOfStartCode(annexB, start);
        var end = next < 0 ? annexB.Length : next;
        while (end > start && annexB[end - 1] == 0) end--;
        return end;
    }

    /// <summary>Index of the next 00 00 01 at or after <paramref name="from"/>, or -1.</summary>
    public static int IndexOfStartCode(ReadOnlySpan<byte> data, int from)
    {
        ReadOnlySpan<byte> startCode = [0, 0, 1];
        if (from >= data.Length) return -1;
        var found = data[from..].IndexOf(startCode);
        return found < 0 ? -1 : from + found;
    }

    /// <summary>
    /// Copies a NAL unit into <paramref name="destination"/> without emulation prevention bytes
    /// (00 00 03 becomes 00 00); returns the number of bytes written.
    /// </summary>
    public static int RemoveEmulationPrevention(ReadOnlySpan<byte> nal, Span<byte> destination)
    {
        var written = 0;
        var zeros = 0;
        for (var i = 0; i < nal.Length && written < destination.Length; i++)
        {
            var b = nal[i];
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            destination[written++] = b;
        }
        return written;
    }

    /// <summary>H.264 nal_unit_type of a NAL unit header byte.</summary>
    public static int H264Type(byte header) => header & 0x1F;

    /// <summary>H.265 nal_unit_type of the first NAL unit header byte.</summary>
    public static int H265Type(byte header) => (header >> 1) & 0x3F;

    /// <summary>H.264 types: 1 non-IDR slice, 5 IDR slice, 6 SEI, 7 SPS, 8 PPS, 9 AUD.</summary>
    public const int H264Idr = 5, H264Sps = 7, H264Pps = 8, H264Aud = 9;

    /// <summary>H.265 types: 16..23 IRAP (BLA, IDR, CRA), 32 VPS, 33 SPS, 34 PPS, 35 AUD.</summary>
    public const int H265IrapFirst = 16, H265IrapLast = 23, H265Vps = 32, H265Sps = 33, H265Pps = 34, H265Aud = 35;
}
