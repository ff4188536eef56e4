namespace Sluice.Media.Codecs;

/// <summary>
/// Opus packet facts (RFC 6716 TOC byte) and the opus_control_header that frames Opus packets in
/// MPEG-TS (ETSI TS 102 366 style, as ffmpeg writes it).
/// </summary>
public static class OpusPacket
{
    /// <summary>Opus always runs its clock at 48 kHz.</summary>
    public const int SampleRate = 48_000;

    /// <summary>Samples (at 48 kHz) a packet decodes to, from its TOC byte; 0 when the packet is malformed.</summary>
    public static int SamplesIn(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty) return 0;
        var toc = packet[0];
        var config = toc >> 3;
        int frameSamples;
        if (config < 12) frameSamples = (config & 3) switch { 0 => 480, 1 => 960, 2 => 1920, _ => 2880 };
        else if (config < 16) frameSamples = (config & 1) == 0 ? 480 : 960;
        else frameSamples = 120 << (config & 3);
        var frames = (toc & 3) switch
        {
            0 => 1,
            1 or 2 => 2,
            _ => packet.Length >= 2 ? packet[1] & 0x3F : 0,
        };
        var samples = frameSamples * frames;
        return samples > 5760 ? 0 : samples; // a packet holds at most 120 ms
    }

    /// <summary>
    /// Parses an opus_control_header at the start of <paramref name="data"/>: returns the header
    /// length and the size of the Opus packet that follows. Trim values are skipped.
    /// </summary>
    public static bool TryParseControlHeader(ReadOnlySpan<byte> data, out int headerLength, out int packetSize)
    {
        headerLength = packetSize = 0;
        if (data.Length < 3 || data[0] != 0x7F || (data[1] & 0xE0) != 0xE0) return false;
        var startTrim = (data[1] & 0x10) != 0;
        var endTrim = (data[1] & 0x08) != 0;
        var extension = (data[1] & 0x04) != 0;
        var position = 2;
        while (true)
        {
            if (position >= data.Length) return false;
            var b = data[position++];
            packetSize += b;
            if (b != 0xFF) break;
        }
        if (startTrim) position += 2;
        if (endTrim) position += 2;
        if (extension)
        {
            if (position >= data.Length) return false;
            position += 1 + data[position];
        }
        if (position > data.Length || packetSize == 0) return false;
        headerLength = position;
        return true;
    }

    /// <summary>Length of the control header <see cref="WriteControlHeader"/> writes for a packet of <paramref name="packetSize"/> bytes.</summary>
    public static int ControlHeaderLength(int packetSize) => 2 + packetSize / 255 + 1;

    /// <summary>Writes a control header without trims; returns its length.</summary>
    public static int WriteControlHeader(Span<byte> destination, int packetSize)
    {
        destination[0] = 0x7F;
        destination[1] = 0xE0;
        var position = 2;
        var left = packetSize;
        while (left >= 255)
        {
            destination[position++] = 0xFF;
            left -= 255;
        }
        destination[position++] = (byte)left;
        return position;
    }
}
