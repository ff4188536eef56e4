namespace Sluice.Sources.MpegTs;

/// <summary>
/// Multicast TS often comes wrapped in RTP (RFC 2250). A datagram that does not start with the TS
/// sync byte but with an RTP version-2 header is unwrapped; anything else goes to the demuxer as is
/// (it resynchronises on garbage).
/// </summary>
internal static class RtpPayload
{
    private const byte SyncByte = 0x47;
    private const int FixedHeader = 12;

    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length <= FixedHeader || datagram[0] == SyncByte || (datagram[0] & 0xC0) != 0x80) return datagram;
        var headerLength = FixedHeader + 4 * (datagram[0] & 0x0F);
        if ((datagram[0] & 0x10) != 0)
        {
            if (datagram.Length < headerLength + 4) return datagram;
            headerLength += 4 + 4 * ((datagram[headerLength + 2] << 8) | datagram[headerLength + 3]);
        }
        var payloadEnd = datagram.Length;
        if ((datagram[0] & 0x20) != 0) payloadEnd -= datagram[^1];  // padding
        return headerLength < payloadEnd && datagram[headerLength] == SyncByte ? datagram[headerLength..payloadEnd] : datagram;
    }
}
