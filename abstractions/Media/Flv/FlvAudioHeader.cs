using Sluice.Abstractions.Frames;

namespace Sluice.Media.Flv;

/// <summary>The AudioTagHeader of an audio tag body (FLV 10.1, E.4.2.1): AAC, MP3, or something the toolkit does not carry.</summary>
/// <param name="Codec">AAC, MP3, or <see cref="CodecId.Unknown"/> (Speex, Nellymoser, G.711, ADPCM, Enhanced RTMP v2 audio...).</param>
/// <param name="SoundFormat">The 4-bit SoundFormat as written.</param>
/// <param name="IsSequenceHeader">AAC only: the body is an AudioSpecificConfig.</param>
/// <param name="HeaderLength">Bytes before the payload: 2 for AAC, 1 otherwise.</param>
public readonly record struct FlvAudioHeader(CodecId Codec, int SoundFormat, bool IsSequenceHeader, int HeaderLength)
{
    /// <summary>SoundFormat values the toolkit reads.</summary>
    public const int Mp3 = 2, Aac = 10, Mp3At8kHz = 14;

    /// <summary>Parses the header at the start of an audio tag body; false when it is too short.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out FlvAudioHeader header)
    {
        header = default;
        if (body.Length < 1) return false;
        var format = body[0] >> 4;
        switch (format)
        {
            case Aac:
                if (body.Length < 2) return false;
                header = new FlvAudioHeader(CodecId.Aac, format, body[1] == 0, 2);
                return true;
            case Mp3 or Mp3At8kHz:
                header = new FlvAudioHeader(CodecId.Mp3, format, false, 1);
                return true;
            default:
                header = new FlvAudioHeader(CodecId.Unknown, format, false, 1);
                return true;
        }
    }

    /// <summary>
    /// Writes the header for <paramref name="track"/> (AAC: 2 bytes, <paramref name="sequenceHeader"/> says
    /// which packet; MP3: 1 byte); returns its length.
    /// </summary>
    public static int Write(Span<byte> destination, TrackInfo track, bool sequenceHeader)
    {
        if (track.Codec == CodecId.Aac)
        {
            destination[0] = 0xAF; // AAC, "44 kHz", 16-bit, stereo: fixed for AAC, the config says the truth
            destination[1] = sequenceHeader ? (byte)0 : (byte)1;
            return 2;
        }
        if (track.Codec != CodecId.Mp3) throw new ArgumentException($"FLV cannot carry {CodecFacts.NameOf(track.Codec)} audio", nameof(track));
        var rate = track.Audio?.SampleRate ?? 44100;
        var rateBits = rate >= 44100 ? 3 : rate >= 22050 ? 2 : rate >= 11025 ? 1 : 0;
        var stereo = (track.Audio?.Channels ?? 2) > 1 ? 1 : 0;
        var format = rate == 8000 ? Mp3At8kHz : Mp3;
        destination[0] = (byte)((format << 4) | (rateBits << 2) | (1 << 1) | stereo);
        return 1;
    }
}
