namespace Sluice.Media.Codecs;

/// <summary>Parses the parts of an H.264 sequence parameter set that describe the picture.</summary>
public static class H264SpsParser
{
    /// <summary>
    /// Parses an SPS NAL unit (header byte included, no start code, emulation prevention still in).
    /// Returns false for anything that is not a well-formed SPS.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out SpsInfo info)
    {
        info = default;
        if (nal.Length < 4 || NalUnits.H264Type(nal[0]) != NalUnits.H264Sps) return false;
        Span<byte> rbsp = stackalloc byte[Math.Min(nal.Length, 1024)];
        var length = NalUnits.RemoveEmulationPrevention(nal[1..], rbsp);
        var r = new BitReader(rbsp[..length]);

        var profileIdc = (int)r.ReadBits(8);
        var constraints = r.ReadBits(8);
        var levelIdc = (int)r.ReadBits(8);
        r.ReadUe(); // seq_parameter_set_id
        var chromaFormatIdc = 1;
        var bitDepth = 8;
        if (HasChromaInfo(profileIdc))
        {
            chromaFormatIdc = (int)r.ReadUe();
            if (chromaFormatIdc > 3) return false;
            if (chromaFormatIdc == 3) r.ReadBit(); // separate_colour_plane_flag
            bitDepth = (int)r.ReadUe() + 8;
            r.ReadUe(); // bit_depth_chroma_minus8
            r.ReadBit(); // qpprime_y_zero_transform_bypass_flag
            if (r.ReadFlag()) SkipScalingMatrix(ref r, chromaFormatIdc == 3 ? 12 : 8);
        }
        r.ReadUe(); // log2_max_frame_num_minus4
        var pocType = r.ReadUe();
        if (pocType == 0)
        {
            r.ReadUe(); // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (pocType == 1)
        {
            r.ReadBit();
            r.ReadSe();
            r.ReadSe();
            var cycle = r.ReadUe();
            if (cycle > 255) return false;
            for (var i = 0; i < cycle; i++) r.ReadSe();
        }
        else if (pocType > 2)
        {
            return false;
        }
        r.ReadUe(); // max_num_ref_frames
        r.ReadBit(); // gaps_in_frame_num_value_allowed_flag
        var widthInMbs = r.ReadUe() + 1;
        var heightInMapUnits = r.ReadUe() + 1;
        var frameMbsOnly = r.ReadBit();
        if (frameMbsOnly == 0) r.ReadBit(); // mb_adaptive_frame_field_flag
        r.ReadBit(); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.ReadFlag())
        {
            cropLeft = r.ReadUe();
            cropRight = r.ReadUe();
            cropTop = r.ReadUe();
            cropBottom = r.ReadUe();
        }
        if (r.Overrun || widthInMbs > 2048 || heightInMapUnits > 2048) return false;

        var subWidthC = chromaFormatIdc is 1 or 2 ? 2 : 1;
        var subHeightC = chromaFormatIdc == 1 ? 2 : 1;
        var cropUnitX = chromaFormatIdc == 0 ? 1 : subWidthC;
        var cropUnitY = (chromaFormatIdc == 0 ? 1 : subHeightC) * (2 - (int)frameMbsOnly);
        var width = (long)widthInMbs * 16 - cropUnitX * (long)(cropLeft + cropRight);
        var height = (2 - (long)frameMbsOnly) * heightInMapUnits * 16 - cropUnitY * (long)(cropTop + cropBottom);
        if (width <= 0 || height <= 0) return false;

        info = new SpsInfo((int)width, (int)height, profileIdc, levelIdc, ProfileName(profileIdc, constraints), chromaFormatIdc, bitDepth);
        return true;
    }

    private static bool HasChromaInfo(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    private static void SkipScalingMatrix(ref BitReader r, int lists)
    {
        for (var i = 0; i < lists && !r.Overrun; i++)
        {
            if (!r.ReadFlag()) continue;
            var size = i < 6 ? 16 : 64;
            int last = 8, next = 8;
            for (var j = 0; j < size && !r.Overrun; j++)
            {
                if (next != 0) next = (last + r.ReadSe() + 256) % 256;
                last = next == 0 ? last : next;
            }
        }
    }

    private static string ProfileName(int profileIdc, uint constraints)
    {
        var set1 = (constraints & 0x40) != 0;
        var set3 = (constraints & 0x10) != 0;
        return profileIdc switch
        {
            66 => set1 ? "Constrained Baseline" : "Baseline",
            77 => "Main",
            88 => "Extended",
            100 => "High",
            110 => set3 ? "High 10 Intra" : "High 10",
            122 => set3 ? "High 4:2:2 Intra" : "High 4:2:2",
            244 => set3 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive",
            44 => "CAVLC 4:4:4",
            _ => $"Profile {profileIdc}",
        };
    }
}
