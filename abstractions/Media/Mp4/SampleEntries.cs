using Sluice.Abstractions.Frames;
using Sluice.Media.Codecs;

namespace Sluice.Media.Mp4;

/// <summary>The <c>stsd</c> entry of a track: avc1/avcC, hvc1/hvcC, mp4a/esds, Opus/dOps.</summary>
internal static class SampleEntries
{
    public static void Write(BoxBuffer b, TrackInfo track)
    {
        switch (track.Codec)
        {
            case CodecId.H264: Video(b, "avc1", track, () => AvcC(b, track.Video!)); break;
            case CodecId.H265: Video(b, "hvc1", track, () => HvcC(b, track.Video!)); break;
            case CodecId.Opus: Audio(b, "Opus", track, () => DOps(b, track.Audio)); break;
            default: Audio(b, "mp4a", track, () => Esds(b, track)); break;
        }
    }

    private static void Video(BoxBuffer b, string type, TrackInfo track, Action configuration)
    {
        var v = track.Video!;
        var at = b.Begin(type);
        b.Zeros(6); b.U16(1);          // reserved, data_reference_index
        b.Zeros(16);                   // pre_defined, reserved, pre_defined[3]
        b.U16(v.Width); b.U16(v.Height);
        b.U32(0x00480000); b.U32(0x00480000); // 72 dpi
        b.U32(0); b.U16(1);            // reserved, frame_count
        b.Zeros(32);                   // compressorname
        b.U16(0x0018); b.U16(0xFFFF);  // depth, pre_defined = -1
        configuration();
        b.End(at);
    }

    private static void AvcC(BoxBuffer b, VideoConfig v)
    {
        var at = b.Begin("avcC");
        b.U8(1);
        b.U8(v.Sps.Length > 1 ? v.Sps[1] : v.ProfileIdc);
        b.U8(v.Sps.Length > 2 ? v.Sps[2] : 0);
        b.U8(v.Sps.Length > 3 ? v.Sps[3] : v.LevelIdc);
        b.U8(0xFF);                    // 4-byte NAL lengths
        b.U8(0xE1); b.U16(v.Sps.Length); b.Bytes(v.Sps);
        b.U8(1); b.U16(v.Pps.Length); b.Bytes(v.Pps);
        if (v.ProfileIdc is 100 or 110 or 122 or 144)
        {
            b.U8(0xFC | (v.ChromaFormatIdc & 3));
            b.U8(0xF8 | ((v.BitDepth - 8) & 7));
            b.U8(0xF8 | ((v.BitDepth - 8) & 7));
            b.U8(0);
        }
        b.End(at);
    }

    /// <summary>HEVCDecoderConfigurationRecord (ISO 14496-15 8.3.3), its profile fields read from the SPS.</summary>
    private static void HvcC(BoxBuffer b, VideoConfig v)
    {
        Span<byte> rbsp = stackalloc byte[Math.Min(v.Sps.Length, 64)];
        var length = NalUnits.RemoveEmulationPrevention(v.Sps.AsSpan(0, rbsp.Length), rbsp);
        // After the 2-byte NAL header: vps id (4), max_sub_layers_minus1 (3), temporal_id_nesting (1), then
        // the general profile_tier_level: 1 + 4 + 6 + 1 bytes.
        var ptl = length >= 15 ? rbsp.Slice(3, 12) : stackalloc byte[12];
        var subLayers = length >= 3 ? (rbsp[2] >> 1) & 7 : 0;
        var nesting = length >= 3 ? rbsp[2] & 1 : 1;
        var at = b.Begin("hvcC");
        b.U8(1);
        b.Bytes(ptl[..12]);            // profile space/tier/idc, compatibility, constraints, level
        b.U16(0xF000);                 // min_spatial_segmentation_idc 0
        b.U8(0xFC);                    // parallelismType 0
        b.U8(0xFC | (v.ChromaFormatIdc & 3));
        b.U8(0xF8 | ((v.BitDepth - 8) & 7));
        b.U8(0xF8 | ((v.BitDepth - 8) & 7));
        b.U16(0);                      // avgFrameRate
        b.U8(((subLayers + 1) << 3) | (nesting << 2) | 3);
        var arrays = (v.Vps.Length > 0 ? 1 : 0) + 2;
        b.U8(arrays);
        if (v.Vps.Length > 0) NalArray(b, NalUnits.H265Vps, v.Vps);
        NalArray(b, NalUnits.H265Sps, v.Sps);
        NalArray(b, NalUnits.H265Pps, v.Pps);
        b.End(at);
    }

    private static void NalArray(BoxBuffer b, int type, byte[] nal)
    {
        b.U8(0x80 | type);             // array_completeness
        b.U16(1);
        b.U16(nal.Length);
        b.Bytes(nal);
    }

    private static void Audio(BoxBuffer b, string type, TrackInfo track, Action configuration)
    {
        var a = track.Audio;
        var rate = Mp4Timescales.Of(track);
        var at = b.Begin(type);
        b.Zeros(6); b.U16(1);
        b.Zeros(8);                    // reserved
        b.U16(Math.Max(a?.Channels ?? 2, 1));
        b.U16(16);                     // samplesize
        b.U16(0); b.U16(0);
        b.U32((uint)(rate <= ushort.MaxValue ? rate << 16 : 0));
        configuration();
        b.End(at);
    }

    private static void Esds(BoxBuffer b, TrackInfo track)
    {
        var asc = track.Codec == CodecId.Aac ? track.Audio?.AudioSpecificConfig ?? [] : [];
        var objectType = track.Codec switch
        {
            CodecId.Aac => 0x40,
            CodecId.Mp2 when track.Audio is { SampleRate: > 0 and < 32000 } => 0x69,
            CodecId.Mp3 when track.Audio is { SampleRate: > 0 and < 32000 } => 0x69,
            _ => 0x6B,
        };
        var decoderSpecific = asc.Length > 0 ? 2 + asc.Length : 0;
        var decoderConfig = 13 + decoderSpecific;
        var es = 3 + 2 + decoderConfig + 3;
        var at = b.BeginFull("esds", 0, 0);
        b.U8(0x03); b.U8(es);
        b.U16(0); b.U8(0);             // ES_ID, flags
        b.U8(0x04); b.U8(decoderConfig);
        b.U8(objectType);
        b.U8(0x15);                    // audio stream, upstream 0, reserved 1
        b.U24(0); b.U32(0); b.U32(0);  // buffer size, max and average bitrate unknown
        if (asc.Length > 0)
        {
            b.U8(0x05); b.U8(asc.Length); b.Bytes(asc);
        }
        b.U8(0x06); b.U8(1); b.U8(0x02);
        b.End(at);
    }

    private static void DOps(BoxBuffer b, AudioConfig? audio)
    {
        var at = b.Begin("dOps");
        b.U8(0);
        b.U8(Math.Clamp(audio?.Channels ?? 2, 1, 2));
        b.U16(0);                      // pre-skip unknown in MPEG-TS
        b.U32(48000u);
        b.U16(0);
        b.U8(0);                       // channel mapping family 0
        b.End(at);
    }
}

/// <summary>Media timescales: 90 kHz for video, the sample rate for audio.</summary>
internal static class Mp4Timescales
{
    public static int Of(TrackInfo track) =>
        track.Kind == MediaKind.Audio && track.Codec == CodecId.Opus ? 48000
        : track.Kind == MediaKind.Audio && track.Audio is { SampleRate: > 0 } a ? a.SampleRate
        : Timestamps.ClockRate;
}
