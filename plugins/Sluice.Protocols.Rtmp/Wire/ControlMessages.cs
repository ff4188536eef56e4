using System.Buffers.Binary;

namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>Payloads of protocol control and user control messages (RTMP 1.0, 5.4 and 6.2).</summary>
internal static class ControlMessages
{
    public static byte[] UInt32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    /// <summary>Set Peer Bandwidth: window size and limit type (2 = dynamic).</summary>
    public static byte[] PeerBandwidth(uint window, byte limitType = 2)
    {
        var b = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(b, window);
        b[4] = limitType;
        return b;
    }

    /// <summary>A user control event with one 32-bit argument (stream begin, EOF, ping...).</summary>
    public static byte[] UserControl(ushort eventType, uint value)
    {
        var b = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(b, eventType);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(2), value);
        return b;
    }

    /// <summary>Set Buffer Length (client to server): stream id and milliseconds.</summary>
    public static byte[] SetBufferLength(uint streamId, uint milliseconds)
    {
        var b = new byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(b, UserControlEvent.SetBufferLength);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(2), streamId);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(6), milliseconds);
        return b;
    }
}
