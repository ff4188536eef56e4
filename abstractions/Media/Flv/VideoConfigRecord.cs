using System.Buffers.Binary;
using Sluice.Abstractions.Frames;
using Sluice.Media.Codecs;

namespace Sluice.Media.Flv;

/// <summary>
/// Decoder configuration records as FLV (and MP4) carry them: AVCDecoderConfigurationRecord (ISO
/// 14496-15, 5.3.3), HEVCDecoderConfigurationRecord (8.3.3) and AV1CodecConfigurationRecord
/// (AV1-ISOBMFF, 2.3), read into and written from the frame model's <see cref="VideoConfig"/>.
/// For AV1, <see cref="VideoConfig.Sps"/> holds the sequence header OBU.
/// </summary>
public static class VideoConfigRecord
{
    /// <summary>
    /// Reads a configuration record of <paramref name="codec"/>: the first parameter set of each kind
    /// and what they say, and the NAL length size of the coded frames (0 for AV1). False when malformed.
    /// </summary>
    public static bool TryRead(CodecId codec, ReadOnlySpan<byte> record, out VideoConfig config, out int lengthSize)
    {
        config = null!;
        lengthSize = 0;
        return codec switch
        {
            CodecId.H264 => TryReadAvc(record, out config, out lengthSize),
            CodecId.H265 => TryReadHevc(record, out config, out lengthSize),
            CodecId.Av1 => TryReadAv1(record, out config),
            _ => false,
        };
    }

    /// <summary>Writes the configuration record of <paramref name="codec"/> for <paramref name="config"/> (NAL lengths of 4 bytes).</summary>
    public static byte[] Write(CodecId codec, VideoConfig config) => codec switch
    {
        CodecId.H264 => WriteAvc(config),
        CodecId.H265 => WriteHevc(config),
        CodecId.Av1 => WriteAv1(config),
        _ => throw new ArgumentException($"no FLV configuration record for {CodecFacts.NameOf(codec)}", nameof(codec)),
    };

    private static bool TryReadAvc(ReadOnlySpan<byte> r, out VideoConfig config, out int lengthSize)
    {
        config = null!;
        lengthSize = 0;
        if (r.Length < 7 || r[0] != 1) return false;
        lengthSize = (r[4] & 3) + 1;
        if (lengthSize == 3) return false;
        var position = 5;
        var spsCount = r[position++] & 0x1F;
        ReadOnlySpan<byte> sps = default, pps = default;
        for (var i = 0; i < spsCount; i++)
        {
            var (start, length) = ReadUnit(r, ref position);
            if (start < 0) return false;
            if (i == 0) sps = r.Slice(start, length);
        }
        if (position >= r.Length) return false;
        var ppsCount = r[position++];
        for (var i = 0; i < ppsCount; i++)
        {
            var (start, length) = ReadUnit(r, ref position);
            if (start < 0) return false;
            if (i == 0) pps = r.Slice(start, length);
        }
        if (sps.IsEmpty || !H264SpsParser.TryParse(sps, out var info)) return false;
        config = FromSps(info, [], sps, pps);
        return true;
    }

    private static bool TryReadHevc(ReadOnlySpan<byte> r, out VideoConfig config, out int lengthSize)
    {
        config = null!;
        lengthSize = 0;
        if (r.Length < 23 || r[0] != 1) return false;
        lengthSize = (r[21] & 3) + 1;
        if (lengthSize == 3) return false;
        var arrays = r[22];
        var position = 23;
        ReadOnlySpan<byte> vps = default, sps = default, pps = default;
        for (var a = 0; a < arrays; a++)
        {
            if (r.Length - position < 3) return false;
            var type = r[position] & 0x3F;
            var count = BinaryPrimitives.ReadUInt16BigEndian(r[(position + 1)..]);
            position += 3;
            for (var i = 0; i < count; i++)
            {
                var (start, length) = ReadUnit(r, ref position);
                if (start < 0) return false;
                var unit = r.Slice(start, length);
                if (type == NalUnits.H265Vps && vps.IsEmpty) vps = unit;
                else if (type == NalUnits.H265Sps && sps.IsEmpty) sps = unit;
                else if (type == NalUnits.H265Pps && pps.IsEmpty) pps = unit;
            }
        }
        if (sps.IsEmpty || !H265SpsParser.TryParse(sps, out var info)) return false;
        config = FromSps(info, vps, sps, pps);
        return true;
    }

    private static bool TryReadAv1(ReadOnlySpan<byte> r, out VideoConfig config)
    {
        config = null!;
        if (r.Length < 4 || (r[0] & 0x80) == 0) return false; // marker bit
        if (!Av1Obus.TryFindSequenceHeader(r[4..], out var obu) || !Av1SequenceHeader.TryParse(obu, out var h)) return false;
        config = new VideoConfig
        {
            Width = h.Width, Height = h.Height, ProfileIdc = h.Profile, LevelIdc = h.Level,
            ProfileName = h.Profile switch { 0 => "Main", 1 => "High", 2 => "Professional", _ => $"Profile {h.Profile}" },
            ChromaFormatIdc = h.Monochrome ? 0 : h.SubsamplingX == 1 && h.SubsamplingY == 1 ? 1 : h.SubsamplingX == 1 ? 2 : 3,
            BitDepth = h.BitDepth, Sps = obu.ToArray(),
        };
        return true;
    }

    /// <summary>The configuration an AV1 temporal unit's sequence header describes, or null when it carries none.</summary>
    public static VideoConfig? Av1FromTemporalUnit(ReadOnlySpan<byte> unit)
    {
        if (!Av1Obus.TryFindSequenceHeader(unit, out var obu)) return null;
        return TryReadAv1(WriteAv1Record(obu), out var config) ? config : null;
    }

    private static VideoConfig FromSps(SpsInfo info, ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps) => new()
    {
        Width = info.Width, Height = info.Height, ProfileIdc = info.ProfileIdc, ProfileName = info.ProfileName,
        LevelIdc = info.LevelIdc, ChromaFormatIdc = info.ChromaFormatIdc, BitDepth = info.BitDepth,
        Vps = vps.ToArray(), Sps = sps.ToArray(), Pps = pps.ToArray(),
    };

    /// <summary>A 16-bit length and the unit after it: the unit's range, or (-1, 0) when cut off.</summary>
    private static (int Start, int Length) ReadUnit(ReadOnlySpan<byte> r, ref int position)
    {
        if (r.Length - position < 2) return (-1, 0);
        var length = BinaryPrimitives.ReadUInt16BigEndian(r[position..]);
        position += 2;
        if (r.Length - position < length) return (-1, 0);
        var start = position;
        position += length;
        return (start, length);
    }

    private static byte[] WriteAvc(VideoConfig c)
    {
        if (c.Sps.Length < 4) throw new ArgumentException("an H.264 configuration needs its SPS", nameof(c));
        var record = new byte[9 + c.Sps.Length + (c.Pps.Length > 0 ? 2 + c.Pps.Length : 0)];
        record[0] = 1;
        record[1] = c.Sps[1]; // profile_idc
        record[2] = c.Sps[2]; // constraint flags
        record[3] = c.Sps[3]; // level_idc
        record[4] = 0xFF; // 4-byte NAL lengths
        record[5] = 0xE1; // one SPS
        var position = WriteUnit(record, 6, c.Sps);
        record[position++] = c.Pps.Length == 0 ? (byte)0 : (byte)1;
        if (c.Pps.Length > 0) WriteUnit(record, position, c.Pps);
        return record;
    }

    private static byte[] WriteHevc(VideoConfig c)
    {
        if (c.Sps.Length < 15) throw new ArgumentException("an H.265 configuration needs its SPS", nameof(c));
        Span<byte> rbsp = stackalloc byte[Math.Min(c.Sps.Length, 64)];
        var length = NalUnits.RemoveEmulationPrevention(c.Sps.AsSpan(2), rbsp);
        if (length < 13) throw new ArgumentException("the H.265 SPS is too short", nameof(c));
        var units = new List<(int Type, byte[] Nal)>();
        if (c.Vps.Length > 0) units.Add((NalUnits.H265Vps, c.Vps));
        units.Add((NalUnits.H265Sps, c.Sps));
        if (c.Pps.Length > 0) units.Add((NalUnits.H265Pps, c.Pps));
        var record = new byte[23 + units.Sum(u => 5 + u.Nal.Length)];
        record[0] = 1;
        rbsp.Slice(1, 12).CopyTo(record.AsSpan(1)); // profile_tier_level: space/tier/idc, compatibility, constraints, level
        record[13] = 0xF0; // min_spatial_segmentation_idc 0
        record[14] = 0x00;
        record[15] = 0xFC; // parallelismType 0
        record[16] = (byte)(0xFC | (c.ChromaFormatIdc & 3));
        record[17] = (byte)(0xF8 | ((c.BitDepth - 8) & 7));
        record[18] = (byte)(0xF8 | ((c.BitDepth - 8) & 7));
        // avgFrameRate 0; numTemporalLayers and temporalIdNested from the SPS's first byte; 4-byte lengths.
        var subLayers = ((rbsp[0] >> 1) & 7) + 1;
        var nested = rbsp[0] & 1;
        record[21] = (byte)((subLayers << 3) | (nested << 2) | 3);
        record[22] = (byte)units.Count;
        var position = 23;
        foreach (var (type, nal) in units)
        {
            record[position++] = (byte)(0x80 | type); // array_completeness
            record[position++] = 0;
            record[position++] = 1;
            position = WriteUnit(record, position, nal);
        }
        return record;
    }

    private static byte[] WriteAv1(VideoConfig c)
    {
        if (c.Sps.Length == 0) throw new ArgumentException("an AV1 configuration needs its sequence header", nameof(c));
        return WriteAv1Record(c.Sps);
    }

    private static byte[] WriteAv1Record(ReadOnlySpan<byte> sequenceHeader)
    {
        if (!Av1SequenceHeader.TryParse(sequenceHeader, out var h)) throw new ArgumentException("the AV1 sequence header is malformed", nameof(sequenceHeader));
        var record = new byte[4 + sequenceHeader.Length];
        record[0] = 0x81; // marker, version 1
        record[1] = (byte)((h.Profile << 5) | (h.Level & 0x1F));
        record[2] = (byte)((h.Tier << 7) | ((h.BitDepth > 8 ? 1 : 0) << 6) | ((h.BitDepth == 12 ? 1 : 0) << 5) | ((h.Monochrome ? 1 : 0) << 4)
            | (h.SubsamplingX << 3) | (h.SubsamplingY << 2) | (h.ChromaSamplePosition & 3));
        record[3] = 0;
        sequenceHeader.CopyTo(record.AsSpan(4));
        return record;
    }

    private static int WriteUnit(byte[] record, int position, byte[] nal)
    {
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(position), (ushort)nal.Length);
        nal.CopyTo(record, position + 2);
        return position + 2 + nal.Length;
    }
}
