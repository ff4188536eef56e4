using Sluice.Media.Codecs;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

public sealed partial class TsMuxer
{
    private static readonly byte[] H264Aud = [0, 0, 0, 1, 0x09, 0xF0];
    private static readonly byte[] H265Aud = [0, 0, 0, 1, 0x46, 0x01, 0x50];
    private static readonly byte[] StartCode = [0, 0, 0, 1];

    /// <summary>What goes between the PES header and the payload.</summary>
    private readonly record struct ExtraPlan(int Length, bool Aud, bool ParameterSets, bool Adts, bool OpusControl = false);

    private ExtraPlan PlanExtra(MuxTrack track, in MediaFrame frame, ref ReadOnlySpan<byte> payload)
    {
        var codec = track.Info.Codec;
        if (codec == CodecId.Aac) return new ExtraPlan(AdtsHeader.Size, false, false, true);
        if (codec == CodecId.Opus) return new ExtraPlan(OpusPacket.ControlHeaderLength(payload.Length), false, false, false, OpusControl: true);
        if (codec is not (CodecId.H264 or CodecId.H265)) return default;

        var h265 = codec == CodecId.H265;
        var audLength = LeadingAudLength(payload, h265);
        var video = track.Info.Video;
        var needParameterSets = Options.InsertParameterSets && frame.IsKeyframe && video is { Sps.Length: > 0, Pps.Length: > 0 }
            && !CarriesSps(payload, h265);
        // The AUD must stay first: when parameter sets go in, the frame's own AUD is replaced by ours.
        if (needParameterSets && audLength > 0) payload = payload[audLength..];
        var writeAud = needParameterSets ? true : Options.InsertAccessUnitDelimiters && audLength == 0;
        var length = (writeAud ? (h265 ? H265Aud.Length : H264Aud.Length) : 0)
            + (needParameterSets ? ParameterSetsLength(video!, h265) : 0);
        return new ExtraPlan(length, writeAud, needParameterSets, false);
    }

    private void WriteExtra(MuxTrack track, ExtraPlan plan, int payloadLength, Span<byte> destination)
    {
        if (plan.Adts)
        {
            AdtsHeader.Write(destination, track.Aac, payloadLength);
            return;
        }
        if (plan.OpusControl)
        {
            OpusPacket.WriteControlHeader(destination, payloadLength);
            return;
        }
        var h265 = track.Info.Codec == CodecId.H265;
        var position = 0;
        if (plan.Aud) position += Copy(h265 ? H265Aud : H264Aud, destination);
        if (!plan.ParameterSets) return;
        var video = track.Info.Video!;
        if (h265 && video.Vps.Length > 0) position += CopyNal(video.Vps, destination[position..]);
        position += CopyNal(video.Sps, destination[position..]);
        CopyNal(video.Pps, destination[position..]);
    }

    private static int ParameterSetsLength(VideoConfig video, bool h265) =>
        (h265 && video.Vps.Length > 0 ? StartCode.Length + video.Vps.Length : 0) + 2 * StartCode.Length + video.Sps.Length + video.Pps.Length;

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private static int CopyNal(ReadOnlySpan<byte> nal, Span<byte> destination)
    {
        StartCode.CopyTo(destination);
        nal.CopyTo(destination[StartCode.Length..]);
        return StartCode.Length + nal.Length;
    }

    /// <summary>Length of a leading access unit delimiter (start code included), or 0.</summary>
    private static int LeadingAudLength(ReadOnlySpan<byte> payload, bool h265)
    {
        var offset = 0;
        if (!NalUnits.TryFindNextStart(payload, ref offset, out var start) || start > 4) return 0;
        var type = h265 ? NalUnits.H265Type(payload[start]) : NalUnits.H264Type(payload[start]);
        if (type != (h265 ? NalUnits.H265Aud : NalUnits.H264Aud)) return 0;
        var next = NalUnits.IndexOfStartCode(payload, start);
        return next < 0 ? payload.Length : next;
    }

    /// <summary>Whether an SPS comes before the first slice.</summary>
    private static bool CarriesSps(ReadOnlySpan<byte> payload, bool h265)
    {
        var offset = 0;
        while (NalUnits.TryFindNextStart(payload, ref offset, out var start))
        {
            if (h265)
            {
                var type = NalUnits.H265Type(payload[start]);
                if (type == NalUnits.H265Sps) return true;
                if (type < 32) return false;
            }
            else
            {
                var type = NalUnits.H264Type(payload[start]);
                if (type == NalUnits.H264Sps) return true;
                if (type is >= 1 and <= 5) return false;
            }
        }
        return false;
    }
}
