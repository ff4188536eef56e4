namespace Sluice.Media.Codecs;

/// <summary>Parses the parts of an H.265 sequence parameter set that describe the picture.</summary>
public static class H265SpsParser
{
    /// <summary>
    /// Parses an SPS NAL unit (2-byte header included, no start code, emulation prevention still in).
    /// Returns false for anything that is not a well-formed SPS.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out SpsInfo info)
    {
        info = default;
        if (nal.Length < 15 || NalUnits.H265Type(nal[0]) != NalUnits.H265Sps) return false;
        Span<byte> rbsp = stackalloc byte[Math.Min(nal.Length, 1024)];
        var length = NalUnits.RemoveEmulationPrevention(nal[2..], rbsp);
        var r = new BitReader(rbsp[..length]);

        r.ReadBits(4); // sps_video_parameter_set_id
        var maxSubLayersMinus1 = (int)r.ReadBits(3);
        r.ReadBit(); // sps_temporal_id_nesting_flag

        // profile_tier_level(1, maxSubLayersMinus1)
        r.ReadBits(2); // general_profile_space
        r.ReadBit(); // general_tier_flag
        var profileIdc = (int)r.ReadBits(5);
        var compatibility = r.ReadBits(32);
        r.Skip(48); // progressive/interlaced/non-packed/frame-only flags + 44 reserved bits
        var levelIdc = (int)r.ReadBits(8);
        Span<bool> profilePresent = stackalloc bool[8];
        Span<bool> levelPresent = stackalloc bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            profilePresent[i] = r.ReadFlag();
            levelPresent[i] = r.ReadFlag();
        }
        if (maxSubLayersMinus1 > 0)
        {
            for (var i = maxSubLayersMinus1; i < 8; i++) r.Skip(2);
        }
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            if (profilePresent[i]) r.Skip(88);
            if (levelPresent[i]) r.Skip(8);
        }

        r.ReadUe(); // sps_seq_parameter_set_id
        var chromaFormatIdc = (int)r.ReadUe();
        if (chromaFormatIdc > 3) return false;
        if (chromaFormatIdc == 3) r.ReadBit(); // separate_colour_plane_flag
        var width = (long)r.ReadUe();
        var height = (long)r.ReadUe();
        if (r.ReadFlag())
        {
            var subWidthC = chromaFormatIdc is 1 or 2 ? 2 : 1;
            var subHeightC = chromaFormatIdc == 1 ? 2 : 1;
            long left = r.ReadUe(), right = r.ReadUe(), top = r.ReadUe(), bottom = r.ReadUe();
            width -= subWidthC * (left + right);
            height -= subHeightC * (top + bottom);
        }
        var bitDepth = (int)r.ReadUe() + 8;
        if (r.Overrun || width <= 0 || height <= 0 || width > 16384 || height > 16384) return false;

        if (profileIdc == 0)
        {
            // Profile given only by the compatibility flags: take the first one set.
            for (var j = 1; j < 32; j++)
            {
                if ((compatibility & (1u << (31 - j))) != 0) { profileIdc = j; break; }
            }
        }
        info = new SpsInfo((int)width, (int)height, profileIdc, levelIdc, ProfileName(profileIdc), chromaFormatIdc, bitDepth);
        return true;
    }

    private static string ProfileName(int profileIdc) => profileIdc switch
    {
        1 => "Main",
        2 => "Main 10",
        3 => "Main Still Picture",
        4 => "Rext",
        _ => $"Profile {profileIdc}",
    };
}
