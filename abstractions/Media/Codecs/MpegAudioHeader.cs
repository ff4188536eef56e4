namespace Sluice.Media.Codecs;

/// <summary>An MPEG-1/2/2.5 audio frame header (MP2, MP3).</summary>
/// <param name="Layer">1, 2 or 3.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">1 for mono, otherwise 2.</param>
/// <param name="FrameLength">Frame length in bytes, header included.</param>
/// <param name="SamplesPerFrame">384, 1152 or 576.</param>
public readonly record struct MpegAudioHeader(int Layer, int SampleRate, int Channels, int FrameLength, int SamplesPerFrame)
{
    private static readonly int[] V1L1 = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448];
    private static readonly int[] V1L2 = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384];
    private static readonly int[] V1L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] V2L1 = [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256];
    private static readonly int[] V2L23 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    private static readonly int[] Rates = [44100, 48000, 32000];

    /// <summary>Header length.</summary>
    public const int Size = 4;

    /// <summary>Parses a header; false on bad sync, reserved fields or free-format bitrate.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out MpegAudioHeader header)
    {
        header = default;
        if (data.Length < Size || data[0] != 0xFF || (data[1] & 0xE0) != 0xE0) return false;
        var version = (data[1] >> 3) & 3;      // 0: 2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
        var layerBits = (data[1] >> 1) & 3;    // 1: III, 2: II, 3: I
        var bitrateIndex = data[2] >> 4;
        var rateIndex = (data[2] >> 2) & 3;
        var padding = (data[2] >> 1) & 1;
        if (version == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3) return false;
        var layer = 4 - layerBits;
        var mpeg1 = version == 3;
        var kbps = (mpeg1, layer) switch
        {
            (true, 1) => V1L1[bitrateIndex],
            (true, 2) => V1L2[bitrateIndex],
            (true, _) => V1L3[bitrateIndex],
            (false, 1) => V2L1[bitrateIndex],
            _ => V2L23[bitrateIndex],
        };
        var rate = Rates[rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        int length, samples;
        if (layer == 1)
        {
            length = (12 * kbps * 1000 / rate + padding) * 4;
            samples = 384;
        }
        else
        {
            samples = layer == 3 && !mpeg1 ? 576 : 1152;
            length = samples / 8 * kbps * 1000 / rate + padding;
        }
        var channels = (data[3] >> 6) == 3 ? 1 : 2;
        if (length < Size) return false;
        header = new MpegAudioHeader(layer, rate, channels, length, samples);
        return true;
    }
}
