namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>
/// One reassembled message. <see cref="Payload"/> lives in the chunk reader's buffer: valid until the
/// next read, so a handler that keeps anything copies it.
/// </summary>
internal readonly struct RtmpMessage(byte type, uint streamId, long timestamp, int chunkStreamId, ReadOnlyMemory<byte> payload)
{
    public byte Type { get; } = type;

    public uint StreamId { get; } = streamId;

    /// <summary>Milliseconds, unrolled past the 32-bit wrap.</summary>
    public long Timestamp { get; } = timestamp;

    public int ChunkStreamId { get; } = chunkStreamId;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public override string ToString() => $"type {Type} stream {StreamId} csid {ChunkStreamId} ts {Timestamp} {Payload.Length} bytes";
}

/// <summary>A peer broke the protocol (or a limit): the connection is closed with this reason logged.</summary>
internal sealed class RtmpProtocolException(string message) : Exception(message);
