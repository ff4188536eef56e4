using System.Buffers.Binary;
using Sluice.Abstractions.Frames;
using Sluice.Media.Codecs;

namespace Sluice.Media.Mp4;

/// <summary>
/// Frame payloads as MP4 samples: H.264/H.265 access units go from Annex-B to 4-byte length-prefixed NAL
/// units without access unit delimiters and without the parameter sets the sample entry already carries
/// (different ones stay in band); audio frames (raw AAC, MP3/MP2 frames, Opus packets) are taken as they are.
/// </summary>
public static class Mp4Samples
{
    /// <summary>Whether the MP4 writer carries <paramref name="codec"/>.</summary>
    public static bool CanCarry(CodecId codec) => codec is CodecId.H264 or CodecId.H265 or CodecId.Aac or CodecId.Mp3 or CodecId.Mp2 or CodecId.Opus;

    /// <summary>Size of the sample <see cref="Write"/> makes of <paramref name="payload"/> for a track described by <paramref name="track"/>.</summary>
    public static int Measure(TrackInfo track, ReadOnlySpan<byte> payload)
    {
        if (track.Kind != MediaKind.Video) return payload.Length;
        var h265 = track.Codec == CodecId.H265;
        var size = 0;
        var offset = 0;
        while (NalUnits.TryFindNext(payload, ref offset, out var start, out var length))
        {
            if (length > 0 && Keeps(track.Video, payload.Slice(start, length), h265)) size += 4 + length;
        }
        return size;
    }

    /// <summary>Writes the sample into <paramref name="destination"/> (at least <see cref="Measure"/> bytes); returns its length.</summary>
    public static int Write(TrackInfo track, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (track.Kind != MediaKind.Video)
        {
            payload.CopyTo(destination);
            return payload.Length;
        }
        var h265 = track.Codec == CodecId.H265;
        var written = 0;
        var offset = 0;
        while (NalUnits.TryFindNext(payload, ref offset, out var start, out var length))
        {
            var nal = payload.Slice(start, length);
            if (length == 0 || !Keeps(track.Video, nal, h265)) continue;
            BinaryPrimitives.WriteInt32BigEndian(destination[written..], length);
            nal.CopyTo(destination[(written + 4)..]);
            written += 4 + length;
        }
        return written;
    }

    private static bool Keeps(VideoConfig? config, ReadOnlySpan<byte> nal, bool h265)
    {
        if (h265)
        {
            var type = NalUnits.H265Type(nal[0]);
            return type switch
            {
                NalUnits.H265Aud => false,
                NalUnits.H265Vps => config is null || !nal.SequenceEqual(config.Vps),
                NalUnits.H265Sps => config is null || !nal.SequenceEqual(config.Sps),
                NalUnits.H265Pps => config is null || !nal.SequenceEqual(config.Pps),
                _ => true,
            };
        }
        return NalUnits.H264Type(nal[0]) switch
        {
            NalUnits.H264Aud => false,
            NalUnits.H264Sps => config is null || !nal.SequenceEqual(config.Sps),
            NalUnits.H264Pps => config is null || !nal.SequenceEqual(config.Pps),
            _ => true,
        };
    }
}
