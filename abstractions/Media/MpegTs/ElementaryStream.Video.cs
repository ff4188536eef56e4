using Sluice.Media.Codecs;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

internal sealed partial class ElementaryStream
{
    /// <summary>
    /// Walks the NAL units in front of the first slice: finds whether the picture is a random
    /// access point and picks up parameter sets (the track is updated when they change).
    /// Stops at the first slice, so the cost does not grow with the picture size.
    /// </summary>
    private bool ScanAccessUnit(ReadOnlySpan<byte> accessUnit)
    {
        var h265 = Codec == CodecId.H265;
        ReadOnlySpan<byte> vps = default, sps = default, pps = default;
        var keyframe = false;
        var offset = 0;
        while (NalUnits.TryFindNextStart(accessUnit, ref offset, out var start))
        {
            var header = accessUnit[start];
            if (h265)
            {
                var type = NalUnits.H265Type(header);
                if (type < 32)
                {
                    keyframe = type is >= NalUnits.H265IrapFirst and <= NalUnits.H265IrapLast;
                    break;
                }
                if (type is NalUnits.H265Vps or NalUnits.H265Sps or NalUnits.H265Pps)
                {
                    var nal = accessUnit[start..NalUnits.EndOf(accessUnit, start)];
                    if (type == NalUnits.H265Vps) vps = nal;
                    else if (type == NalUnits.H265Sps) sps = nal;
                    else pps = nal;
                }
            }
            else
            {
                var type = NalUnits.H264Type(header);
                if (type is >= 1 and <= 5)
                {
                    keyframe = type == NalUnits.H264Idr;
                    break;
                }
                if (type is NalUnits.H264Sps or NalUnits.H264Pps)
                {
                    var nal = accessUnit[start..NalUnits.EndOf(accessUnit, start)];
                    if (type == NalUnits.H264Sps) sps = nal;
                    else pps = nal;
                }
            }
        }
        if (!sps.IsEmpty) OnParameterSets(vps, sps, pps);
        return keyframe;
    }

    private void OnParameterSets(ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
        var current = Track.Video;
        if (current is not null && sps.SequenceEqual(current.Sps) && (pps.IsEmpty || pps.SequenceEqual(current.Pps))
            && (vps.IsEmpty || vps.SequenceEqual(current.Vps)))
        {
            return;
        }
        var parsed = Codec == CodecId.H265 ? H265SpsParser.TryParse(sps, out var info) : H264SpsParser.TryParse(sps, out info);
        if (!parsed) return;
        UpdateTrack(Track with
        {
            Video = new VideoConfig
            {
                Width = info.Width,
                Height = info.Height,
                ProfileIdc = info.ProfileIdc,
                ProfileName = info.ProfileName,
                LevelIdc = info.LevelIdc,
                ChromaFormatIdc = info.ChromaFormatIdc,
                BitDepth = info.BitDepth,
                Sps = sps.ToArray(),
                Pps = pps.IsEmpty ? current?.Pps ?? [] : pps.ToArray(),
                Vps = vps.IsEmpty ? current?.Vps ?? [] : vps.ToArray(),
            },
        });
    }
}
