namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>RTMP message type ids (RTMP 1.0, 5.4 and 7.1).</summary>
internal static class MessageType
{
    public const byte SetChunkSize = 1, Abort = 2, Acknowledgement = 3, UserControl = 4, WindowAckSize = 5, SetPeerBandwidth = 6;
    public const byte Audio = 8, Video = 9;
    public const byte DataAmf3 = 15, SharedObjectAmf3 = 16, CommandAmf3 = 17, DataAmf0 = 18, SharedObjectAmf0 = 19, CommandAmf0 = 20;
    public const byte Aggregate = 22;

    /// <summary>Protocol control messages travel on chunk stream 2, message stream 0.</summary>
    public static bool IsProtocolControl(byte type) => type is >= SetChunkSize and <= SetPeerBandwidth;
}

/// <summary>User control event types (RTMP 1.0, 7.1.7).</summary>
internal static class UserControlEvent
{
    public const ushort StreamBegin = 0, StreamEof = 1, StreamDry = 2, SetBufferLength = 3, StreamIsRecorded = 4, PingRequest = 6, PingResponse = 7;
}

/// <summary>The chunk streams this implementation writes on (the ones ffmpeg and nginx-rtmp use).</summary>
internal static class ChunkStreams
{
    public const int Control = 2, Command = 3, Audio = 4, Data = 5, Video = 6;
}
