namespace Sluice.Media.Codecs;

/// <summary>
/// What an AV1 sequence header OBU says (AV1 bitstream specification, 5.5): profile, level, tier,
/// bit depth, chroma layout and the largest frame size (the stream's picture size).
/// </summary>
public readonly record struct Av1SequenceHeader(int Profile, int Level, int Tier, int BitDepth, bool Monochrome,
    int SubsamplingX, int SubsamplingY, int ChromaSamplePosition, int Width, int Height)
{
    /// <summary>OBU types used here.</summary>
    public const int ObuSequenceHeader = 1, ObuTemporalDelimiter = 2;

    /// <summary>Parses a whole sequence header OBU (header, optional extension and size field included).</summary>
    public static bool TryParse(ReadOnlySpan<byte> obu, out Av1SequenceHeader header)
    {
        header = default;
        if (!Av1Obus.TryReadHeader(obu, out var type, out var headerLength, out var payloadLength) || type != ObuSequenceHeader) return false;
        var r = new BitReader(obu.Slice(headerLength, payloadLength));
        var profile = (int)r.ReadBits(3);
        r.ReadBit(); // still_picture
        var reduced = r.ReadFlag();
        int level, tier = 0;
        if (reduced)
        {
            level = (int)r.ReadBits(5);
        }
        else
        {
            var decoderModel = false;
            var bufferDelayLength = 0;
            if (r.ReadFlag()) // timing_info_present_flag
            {
                r.Skip(64); // num_units_in_display_tick, time_scale
                if (r.ReadFlag()) ReadUvlc(ref r); // equal_picture_interval: num_ticks_per_picture_minus_1
                decoderModel = r.ReadFlag();
                if (decoderModel)
                {
                    bufferDelayLength = (int)r.ReadBits(5) + 1;
                    r.Skip(32 + 5 + 5);
                }
            }
            var displayDelay = r.ReadFlag();
            var points = (int)r.ReadBits(5) + 1;
            level = 0;
            for (var i = 0; i < points && !r.Overrun; i++)
            {
                r.Skip(12); // operating_point_idc
                var seqLevel = (int)r.ReadBits(5);
                var seqTier = seqLevel > 7 ? (int)r.ReadBit() : 0;
                if (i == 0) (level, tier) = (seqLevel, seqTier);
                if (decoderModel && r.ReadFlag()) r.Skip(2 * bufferDelayLength + 1);
                if (displayDelay && r.ReadFlag()) r.Skip(4);
            }
        }
        var widthBits = (int)r.ReadBits(4) + 1;
        var heightBits = (int)r.ReadBits(4) + 1;
        var width = (long)r.ReadBits(widthBits) + 1;
        var height = (long)r.ReadBits(heightBits) + 1;
        if (!reduced && r.ReadFlag()) r.Skip(4 + 3); // frame_id_numbers_present_flag
        r.Skip(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
        if (!reduced)
        {
            r.Skip(4); // interintra, masked compound, warped motion, dual filter
            var orderHint = r.ReadFlag();
            if (orderHint) r.Skip(2); // jnt_comp, ref_frame_mvs
            var screenContent = r.ReadFlag() ? 2 : (int)r.ReadBit(); // seq_choose_screen_content_tools
            if (screenContent > 0 && !r.ReadFlag()) r.ReadBit(); // seq_choose_integer_mv / seq_force_integer_mv
            if (orderHint) r.Skip(3);
        }
        r.Skip(3); // superres, cdef, restoration
        // color_config()
        var highBitDepth = r.ReadFlag();
        var bitDepth = profile == 2 && highBitDepth ? (r.ReadFlag() ? 12 : 10) : highBitDepth ? 10 : 8;
        var mono = profile != 1 && r.ReadFlag();
        int primaries = 2, transfer = 2, matrix = 2;
        if (r.ReadFlag())
        {
            primaries = (int)r.ReadBits(8);
            transfer = (int)r.ReadBits(8);
            matrix = (int)r.ReadBits(8);
        }
        int sx, sy, position = 0;
        if (mono)
        {
            (sx, sy) = (1, 1);
        }
        else if (primaries == 1 && transfer == 13 && matrix == 0)
        {
            (sx, sy) = (0, 0);
        }
        else
        {
            r.ReadBit(); // color_range
            if (profile == 0) (sx, sy) = (1, 1);
            else if (profile == 1) (sx, sy) = (0, 0);
            else if (bitDepth == 12)
            {
                sx = (int)r.ReadBit();
                sy = sx == 1 ? (int)r.ReadBit() : 0;
            }
            else (sx, sy) = (1, 0);
            if (sx == 1 && sy == 1) position = (int)r.ReadBits(2);
        }
        if (r.Overrun || width > 65536 || height > 65536) return false;
        header = new Av1SequenceHeader(profile, level, tier, bitDepth, mono, sx, sy, position, (int)width, (int)height);
        return true;
    }

    private static void ReadUvlc(ref BitReader r)
    {
        var zeros = 0;
        while (!r.Overrun && !r.ReadFlag())
        {
            if (++zeros >= 32) return;
        }
        r.Skip(zeros);
    }
}

/// <summary>AV1 OBUs in the low-overhead bitstream format (every OBU with its size field), as Enhanced RTMP and MP4 carry them.</summary>
public static class Av1Obus
{
    /// <summary>Reads an OBU header: its type, the header's length (with extension and size field) and the payload's length.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out int type, out int headerLength, out int payloadLength)
    {
        type = headerLength = payloadLength = 0;
        if (data.Length < 1 || (data[0] & 0x80) != 0) return false;
        type = (data[0] >> 3) & 0xF;
        var extension = (data[0] & 0x04) != 0;
        var hasSize = (data[0] & 0x02) != 0;
        var position = extension ? 2 : 1;
        if (position > data.Length) return false;
        if (!hasSize)
        {
            headerLength = position;
            payloadLength = data.Length - position; // the rest of the unit
            return true;
        }
        ulong size = 0;
        for (var i = 0; ; i++)
        {
            if (i == 8 || position >= data.Length) return false;
            var b = data[position++];
            size |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (size > (ulong)(data.Length - position)) return false;
        headerLength = position;
        payloadLength = (int)size;
        return true;
    }

    /// <summary>Finds the sequence header OBU in a temporal unit (or a configuration's configOBUs).</summary>
    public static bool TryFindSequenceHeader(ReadOnlySpan<byte> unit, out ReadOnlySpan<byte> obu)
    {
        obu = default;
        var position = 0;
        while (position < unit.Length)
        {
            if (!TryReadHeader(unit[position..], out var type, out var headerLength, out var payloadLength)) return false;
            var length = headerLength + payloadLength;
            if (type == Av1SequenceHeader.ObuSequenceHeader)
            {
                obu = unit.Slice(position, length);
                return true;
            }
            position += length;
        }
        return false;
    }
}
