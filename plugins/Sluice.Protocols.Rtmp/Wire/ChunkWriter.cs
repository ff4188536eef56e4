using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>
/// Splits messages into chunks (RTMP 1.0, 5.3). Every message starts with a type 0 header (absolute
/// timestamp: a timeline that steps back after a publisher change cannot be expressed in deltas, and
/// the 8 bytes it costs over a type 1 header do not matter); continuation chunks take type 3 headers,
/// repeating the extended timestamp when there is one, as the specification says.
/// </summary>
internal sealed class ChunkWriter
{
    /// <summary>Our chunk size; 128 until we announce another with Set Chunk Size.</summary>
    public int ChunkSize { get; set; } = 128;

    /// <summary>Writes one message.</summary>
    public void Write(IBufferWriter<byte> output, int chunkStreamId, byte type, uint streamId, long timestampMs, ReadOnlySpan<byte> payload)
    {
        var ts = (uint)timestampMs;
        var extended = ts >= 0xFFFFFF;
        var span = output.GetSpan(3 + 11 + 4);
        var position = WriteBasicHeader(span, 0, chunkStreamId);
        WriteUInt24(span[position..], extended ? 0xFFFFFF : ts);
        WriteUInt24(span[(position + 3)..], (uint)payload.Length);
        span[position + 6] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(span[(position + 7)..], streamId);
        position += 11;
        if (extended)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[position..], ts);
            position += 4;
        }
        output.Advance(position);
        var offset = 0;
        while (true)
        {
            var size = Math.Min(ChunkSize, payload.Length - offset);
            output.Write(payload.Slice(offset, size));
            offset += size;
            if (offset >= payload.Length) return;
            var next = output.GetSpan(3 + 4);
            var length = WriteBasicHeader(next, 3, chunkStreamId);
            if (extended)
            {
                BinaryPrimitives.WriteUInt32BigEndian(next[length..], ts);
                length += 4;
            }
            output.Advance(length);
        }
    }

    private static int WriteBasicHeader(Span<byte> span, int format, int chunkStreamId)
    {
        if (chunkStreamId < 64)
        {
            span[0] = (byte)((format << 6) | chunkStreamId);
            return 1;
        }
        if (chunkStreamId < 320)
        {
            span[0] = (byte)(format << 6);
            span[1] = (byte)(chunkStreamId - 64);
            return 2;
        }
        span[0] = (byte)((format << 6) | 1);
        span[1] = (byte)((chunkStreamId - 64) & 0xFF);
        span[2] = (byte)((chunkStreamId - 64) >> 8);
        return 3;
    }

    private static void WriteUInt24(Span<byte> b, uint v)
    {
        b[0] = (byte)(v >> 16);
        b[1] = (byte)(v >> 8);
        b[2] = (byte)v;
    }
}
