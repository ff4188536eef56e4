namespace Sluice.Media.Codecs;

/// <summary>The essentials of an AAC AudioSpecificConfig (ISO 14496-3 1.6.2.1).</summary>
/// <param name="AudioObjectType">Object type: 1 Main, 2 LC, 3 SSR, 4 LTP, 5 SBR, 29 PS ...</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="ChannelConfiguration">Channel configuration 0..7 (7 means 8 channels).</param>
public readonly record struct AacConfig(int AudioObjectType, int SampleRate, int ChannelConfiguration)
{
    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>Number of channels the configuration stands for.</summary>
    public int Channels => ChannelConfiguration == 7 ? 8 : ChannelConfiguration;

    /// <summary>Index of a standard sample rate (0..12), or -1 when it has none.</summary>
    public static int SampleRateIndexOf(int sampleRate) => Array.IndexOf(SampleRates, sampleRate);

    /// <summary>Sample rate of a standard index, or 0.</summary>
    public static int SampleRateAt(int index) => index >= 0 && index < SampleRates.Length ? SampleRates[index] : 0;

    /// <summary>Parses an AudioSpecificConfig; false when it is too short or names a reserved rate.</summary>
    public static bool TryParse(ReadOnlySpan<byte> asc, out AacConfig config)
    {
        config = default;
        var r = new BitReader(asc);
        var objectType = (int)r.ReadBits(5);
        if (objectType == 31) objectType = 32 + (int)r.ReadBits(6);
        var index = (int)r.ReadBits(4);
        var rate = index == 15 ? (int)r.ReadBits(24) : SampleRateAt(index);
        var channels = (int)r.ReadBits(4);
        if (r.Overrun || rate <= 0 || objectType == 0) return false;
        config = new AacConfig(objectType, rate, channels);
        return true;
    }

    /// <summary>Writes the AudioSpecificConfig (2 bytes for standard rates, 5 otherwise).</summary>
    public byte[] ToAudioSpecificConfig()
    {
        var index = SampleRateIndexOf(SampleRate);
        var objectType = Math.Clamp(AudioObjectType, 1, 30);
        if (index >= 0)
        {
            return [(byte)((objectType << 3) | (index >> 1)), (byte)(((index & 1) << 7) | ((ChannelConfiguration & 0xF) << 3))];
        }
        // Explicit 24-bit rate: 5 + 4 + 24 + 4 = 37 bits.
        ulong bits = ((ulong)objectType << 32) | (15UL << 28) | ((ulong)(SampleRate & 0xFFFFFF) << 4) | (uint)(ChannelConfiguration & 0xF);
        bits <<= 3; // pad to 40 bits
        return [(byte)(bits >> 32), (byte)(bits >> 24), (byte)(bits >> 16), (byte)(bits >> 8), (byte)bits];
    }
}
