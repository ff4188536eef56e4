using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Sluice.Host.Notify.Spool;

/// <summary>What a spool record holds: an accepted event, or how far the sink acknowledged.</summary>
internal enum SpoolRecordType : byte { Event = 1, Ack = 2 }

/// <summary>
/// One record of a spool segment, little-endian:
/// <c>u32 payload length | u32 CRC-32C of the rest | u8 type | u64 sequence | payload</c>.
/// An event's payload is its JSON exactly as sinks get it (so a resent event is byte for byte the
/// same, id included); an ack has none and its sequence is the last event acknowledged.
/// </summary>
internal static class SpoolRecord
{
    public const int HeaderSize = 17;

    /// <summary>Longer payloads are taken for a torn or damaged header (an event is at most a few KB).</summary>
    public const int MaxPayload = 16 << 20;

    public static void Write(IBufferWriter<byte> output, SpoolRecordType type, long sequence, ReadOnlySpan<byte> payload)
    {
        var span = output.GetSpan(HeaderSize + payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
        span[8] = (byte)type;
        BinaryPrimitives.WriteInt64LittleEndian(span[9..], sequence);
        payload.CopyTo(span[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C(span[8..(HeaderSize + payload.Length)]));
        output.Advance(HeaderSize + payload.Length);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="data"/>. False when the bytes there are not a whole,
    /// intact record (too short, impossible length or checksum mismatch): at the end of a segment that is a torn write.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out SpoolRecordType type, out long sequence, out ReadOnlySpan<byte> payload, out int size)
    {
        type = default; sequence = 0; payload = default; size = 0;
        if (data.Length < HeaderSize) return false;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length > MaxPayload || data.Length < HeaderSize + (int)length) return false;
        var body = data[8..(HeaderSize + (int)length)];
        if (BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) != Crc32C(body)) return false;
        type = (SpoolRecordType)data[8];
        if (type is not (SpoolRecordType.Event or SpoolRecordType.Ack)) return false;
        sequence = BinaryPrimitives.ReadInt64LittleEndian(data[9..]);
        payload = data.Slice(HeaderSize, (int)length);
        size = HeaderSize + (int)length;
        return true;
    }

    /// <summary>CRC-32C (Castagnoli), with the processor's CRC instructions where it has them.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
