using Sluice.Media.Codecs;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

/// <summary>Muxer state of one track: PID, stream type and continuity counter.</summary>
internal sealed class MuxTrack
{
    public MuxTrack(TrackInfo info, int pid)
    {
        Pid = pid;
        Update(info);
    }

    public TrackInfo Info { get; private set; } = null!;
    public int Pid { get; }
    public byte StreamType { get; private set; }
    public byte StreamId { get; private set; }
    public int Continuity;
    public AacConfig Aac { get; private set; }

    /// <summary>ES descriptors for the PMT: Opus needs its registration and channel configuration.</summary>
    public byte[] Descriptors { get; private set; } = [];

    public void Update(TrackInfo info)
    {
        Info = info;
        StreamId = info.Kind == MediaKind.Video ? (byte)0xE0 : info.Codec == CodecId.Opus ? (byte)0xBD : (byte)0xC0;
        StreamType = info.Codec switch
        {
            CodecId.H264 => TsStreamTypes.H264,
            CodecId.H265 => TsStreamTypes.H265,
            CodecId.Aac => TsStreamTypes.AacAdts,
            CodecId.Opus => TsStreamTypes.PrivatePes,
            CodecId.Mp3 or CodecId.Mp2 => info.Audio is { SampleRate: > 0 and < 32000 } ? TsStreamTypes.Mpeg2Audio : TsStreamTypes.Mpeg1Audio,
            _ => throw new ArgumentException($"Codec {info.Codec} of track {info.TrackId} cannot be muxed into MPEG-TS.", nameof(info)),
        };
        if (info.Codec == CodecId.Opus)
        {
            var channels = info.Audio?.Channels ?? 2;
            if (channels is < 1 or > 2) throw new ArgumentException($"Opus track {info.TrackId} has {channels} channels; only mono and stereo are muxed.", nameof(info));
            Descriptors = [0x05, 0x04, (byte)'O', (byte)'p', (byte)'u', (byte)'s', 0x7F, 0x02, 0x80, (byte)channels];
        }
        if (info.Codec == CodecId.Aac)
        {
            var audio = info.Audio ?? throw new ArgumentException($"AAC track {info.TrackId} has no audio configuration (needed for ADTS headers).", nameof(info));
            if (!AacConfig.TryParse(audio.AudioSpecificConfig, out var config))
            {
                config = new AacConfig(audio.AudioObjectType == 0 ? 2 : audio.AudioObjectType, audio.SampleRate, audio.Channels == 8 ? 7 : audio.Channels);
            }
            // HE-AAC (SBR/PS) is signalled implicitly in ADTS: the header carries the LC core.
            if (config.AudioObjectType is 5 or 29) config = config with { AudioObjectType = 2 };
            if (AacConfig.SampleRateIndexOf(config.SampleRate) < 0 || config.AudioObjectType is < 1 or > 4)
            {
                throw new ArgumentException($"AAC track {info.TrackId} ({config}) cannot be described by an ADTS header.", nameof(info));
            }
            Aac = config;
        }
    }
}
