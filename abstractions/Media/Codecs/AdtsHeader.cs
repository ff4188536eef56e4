namespace Sluice.Media.Codecs;

/// <summary>An AAC ADTS frame header (ISO 13818-7 / 14496-3 1.A.2).</summary>
/// <param name="AudioObjectType">profile + 1 (2 = LC).</param>
/// <param name="SampleRateIndex">Standard sample rate index (see <see cref="AacConfig.SampleRateAt"/>).</param>
/// <param name="ChannelConfiguration">Channel configuration 0..7.</param>
/// <param name="FrameLength">Whole frame length including this header.</param>
/// <param name="HeaderLength">7, or 9 with CRC.</param>
/// <param name="RawDataBlocks">Number of raw data blocks (AAC frames of 1024 samples) in the frame.</param>
public readonly record struct AdtsHeader(int AudioObjectType, int SampleRateIndex, int ChannelConfiguration, int FrameLength, int HeaderLength, int RawDataBlocks)
{
    /// <summary>Length of a header without CRC.</summary>
    public const int Size = 7;

    /// <summary>The largest frame length the 13-bit field can hold.</summary>
    public const int MaxFrameLength = 8191;

    /// <summary>The configuration this header describes.</summary>
    public AacConfig Config => new(AudioObjectType, AacConfig.SampleRateAt(SampleRateIndex), ChannelConfiguration);

    /// <summary>Length of the raw AAC payload that follows the header.</summary>
    public int PayloadLength => FrameLength - HeaderLength;

    /// <summary>True when <paramref name="data"/> starts with the 12-bit ADTS syncword and layer 0.</summary>
    public static bool HasSync(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0xFF && (data[1] & 0xF6) == 0xF0;

    /// <summary>Parses a header at the start of <paramref name="data"/>; false on bad sync or impossible fields.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AdtsHeader header)
    {
        header = default;
        if (data.Length < Size || !HasSync(data)) return false;
        var protectionAbsent = (data[1] & 1) != 0;
        var profile = data[2] >> 6;
        var rateIndex = (data[2] >> 2) & 0xF;
        var channels = ((data[2] & 1) << 2) | (data[3] >> 6);
        var frameLength = ((data[3] & 3) << 11) | (data[4] << 3) | (data[5] >> 5);
        var blocks = (data[6] & 3) + 1;
        var headerLength = protectionAbsent ? 7 : 9;
        if (rateIndex > 12 || frameLength < headerLength) return false;
        header = new AdtsHeader(profile + 1, rateIndex, channels, frameLength, headerLength, blocks);
        return true;
    }

    /// <summary>
    /// Writes a 7-byte header (no CRC) for a raw payload of <paramref name="payloadLength"/> bytes.
    /// Throws <see cref="ArgumentException"/> when the configuration cannot be expressed in ADTS.
    /// </summary>
    public static void Write(Span<byte> destination, AacConfig config, int payloadLength)
    {
        var index = AacConfig.SampleRateIndexOf(config.SampleRate);
        if (index < 0) throw new ArgumentException($"Sample rate {config.SampleRate} has no ADTS index.", nameof(config));
        if (config.AudioObjectType is < 1 or > 4) throw new ArgumentException($"Audio object type {config.AudioObjectType} cannot be carried in ADTS.", nameof(config));
        var frameLength = payloadLength + Size;
        if (frameLength > MaxFrameLength) throw new ArgumentException($"AAC frame of {payloadLength} bytes is too long for ADTS.", nameof(payloadLength));
        var profile = config.AudioObjectType - 1;
        var channels = config.ChannelConfiguration & 7;
        destination[0] = 0xFF;
        destination[1] = 0xF1; // MPEG-4, layer 0, no CRC
        destination[2] = (byte)((profile << 6) | (index << 2) | (channels >> 2));
        destination[3] = (byte)(((channels & 3) << 6) | (frameLength >> 11));
        destination[4] = (byte)(frameLength >> 3);
        destination[5] = (byte)(((frameLength & 7) << 5) | 0x1F); // buffer fullness 0x7FF: VBR
        destination[6] = 0xFC; // rest of fullness, one raw data block
    }
}
