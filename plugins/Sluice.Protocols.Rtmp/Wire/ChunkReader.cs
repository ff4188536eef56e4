using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>
/// Reassembles messages from the chunk stream (RTMP 1.0, 5.3): basic headers of 1 to 3 bytes, the
/// four message header types, extended timestamps, interleaved chunk streams. Knows nothing of what
/// messages mean. A chunk is consumed only when it is whole, so a read may stop anywhere. Buffers are
/// pooled per chunk stream and grow with the data that really arrives (a header claiming 8 MB costs
/// nothing until the bytes come); every limit of <see cref="RtmpLimits"/> is enforced with
/// <see cref="RtmpProtocolException"/>.
/// </summary>
internal sealed class ChunkReader(RtmpLimits limits) : IDisposable
{
    private sealed class ChunkStream(int id)
    {
        public int Id { get; } = id;
        public bool HasHeader;
        public byte Type;
        public uint StreamId;
        public int Length;
        public long Timestamp;
        public uint Delta;
        public bool Extended;
        public byte[]? Buffer;
        public int Received;
        public bool InProgress => Received > 0;
    }

    private const int InitialBuffer = 64 << 10;

    private readonly Dictionary<int, ChunkStream> _streams = [];
    private int _pending;

    /// <summary>The peer's chunk size (128 until it sends Set Chunk Size).</summary>
    public int ChunkSize { get; private set; } = 128;

    /// <summary>Bytes consumed, for acknowledgements.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Messages dropped part-way (an Abort, or a new header on a chunk stream with a message in progress).</summary>
    public long Aborted { get; private set; }

    /// <summary>Applies the peer's Set Chunk Size.</summary>
    public void SetChunkSize(uint size)
    {
        if (size == 0 || size > limits.MaxChunkSize) throw new RtmpProtocolException($"chunk size {size} is outside 1..{limits.MaxChunkSize}");
        ChunkSize = (int)size;
    }

    /// <summary>Drops the partly received message of a chunk stream (the Abort message).</summary>
    public void Abort(uint chunkStreamId)
    {
        if (_streams.TryGetValue((int)chunkStreamId, out var s) && s.InProgress) Drop(s);
    }

    /// <summary>
    /// Consumes whole chunks from <paramref name="buffer"/> until a message completes (true) or the
    /// data runs out (false); <paramref name="buffer"/> is left at the first unconsumed byte.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out RtmpMessage message)
    {
        message = default;
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            if (!TryReadChunk(ref reader, out var complete)) return false;
            BytesRead += reader.Consumed;
            buffer = buffer.Slice(reader.Position);
            if (complete is null) continue;
            message = new RtmpMessage(complete.Type, complete.StreamId, complete.Timestamp, complete.Id, complete.Buffer.AsMemory(0, complete.Length));
            _pending -= complete.Received;
            complete.Received = 0;
            return true;
        }
    }

    /// <summary>Reads one chunk if it is all there; <paramref name="complete"/> is its stream when it finished a message.</summary>
    private bool TryReadChunk(ref SequenceReader<byte> r, out ChunkStream? complete)
    {
        complete = null;
        if (!r.TryRead(out var first)) return false;
        var format = first >> 6;
        int id = first & 0x3F;
        if (id == 0)
        {
            if (!r.TryRead(out var b)) return false;
            id = 64 + b;
        }
        else if (id == 1)
        {
            if (!r.TryRead(out var lo) || !r.TryRead(out var hi)) return false;
            id = 64 + lo + (hi << 8);
        }
        if (!_streams.TryGetValue(id, out var s))
        {
            if (format != 0) throw new RtmpProtocolException($"chunk stream {id} starts with a type {format} header (type 0 expected)");
            if (_streams.Count >= limits.MaxChunkStreams) throw new RtmpProtocolException($"more than {limits.MaxChunkStreams} chunk streams");
            s = new ChunkStream(id);
            _streams[id] = s;
        }

        // Parse into locals first: nothing changes unless the whole chunk is there.
        var type = s.Type;
        var streamId = s.StreamId;
        var length = s.Length;
        var timestamp = s.Timestamp;
        var delta = s.Delta;
        var extended = s.Extended;
        var newMessage = !s.InProgress;
        switch (format)
        {
            case 0:
            case 1:
            case 2:
                if (!TryReadUInt24(ref r, out var field)) return false;
                if (format <= 1)
                {
                    if (!TryReadUInt24(ref r, out var len) || !r.TryRead(out type)) return false;
                    length = (int)len;
                    if (format == 0)
                    {
                        if (!r.TryReadLittleEndian(out int sid)) return false;
                        streamId = (uint)sid;
                    }
                }
                extended = field == 0xFFFFFF;
                if (extended)
                {
                    if (!r.TryReadBigEndian(out int ext)) return false;
                    field = (uint)ext;
                }
                if (format == 0) timestamp = Unwrap(s.HasHeader ? s.Timestamp : 0, field);
                else timestamp = s.Timestamp + field;
                delta = field;
                newMessage = true;
                break;
            default:
                if (!s.HasHeader) throw new RtmpProtocolException($"chunk stream {id}: a type 3 header with nothing before it");
                if (extended && !r.TryReadBigEndian(out int _)) return false; // repeated extended timestamp
                if (newMessage) timestamp = s.Timestamp + delta;
                break;
        }
        if (newMessage && length > limits.MaxMessageLength)
            throw new RtmpProtocolException($"message of {length} bytes on chunk stream {id} exceeds the {limits.MaxMessageLength}-byte limit");
        var received = newMessage ? 0 : s.Received;
        var size = Math.Min(ChunkSize, length - received);
        if (r.Remaining < size) return false;

        // The chunk is whole: commit.
        if (newMessage && s.InProgress) Drop(s); // a new header on an unfinished message: the old one is lost
        s.HasHeader = true;
        s.Type = type;
        s.StreamId = streamId;
        s.Length = length;
        s.Timestamp = timestamp;
        s.Delta = delta;
        s.Extended = extended;
        if (size > 0)
        {
            if (_pending + size > limits.MaxPendingBytes)
                throw new RtmpProtocolException($"more than {limits.MaxPendingBytes} bytes of unfinished messages");
            Reserve(s, received + size);
            r.UnreadSequence.Slice(0, size).CopyTo(s.Buffer.AsSpan(received));
            r.Advance(size);
            s.Received = received + size;
            _pending += size;
        }
        if (s.Received < length) return true;
        Reserve(s, length); // a zero-length message still needs a buffer to point at
        complete = s;
        return true;
    }

    private static void Reserve(ChunkStream s, int needed)
    {
        if (s.Buffer is not null && s.Buffer.Length >= needed) return;
        var size = Math.Max(needed, Math.Min(Math.Max((s.Buffer?.Length ?? 0) * 2, InitialBuffer), s.Length));
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        if (s.Buffer is not null)
        {
            s.Buffer.AsSpan(0, s.Received).CopyTo(next);
            ArrayPool<byte>.Shared.Return(s.Buffer);
        }
        s.Buffer = next;
    }

    private void Drop(ChunkStream s)
    {
        _pending -= s.Received;
        s.Received = 0;
        Aborted++;
    }

    /// <summary>A 32-bit absolute timestamp on the unrolled timeline nearest to <paramref name="previous"/>.</summary>
    private static long Unwrap(long previous, uint field)
    {
        var candidate = (previous & ~0xFFFFFFFFL) | field;
        if (candidate < previous - 0x80000000L) candidate += 0x100000000L;
        else if (candidate > previous + 0x80000000L && candidate >= 0x100000000L) candidate -= 0x100000000L;
        return candidate;
    }

    private static bool TryReadUInt24(ref SequenceReader<byte> r, out uint value)
    {
        value = 0;
        Span<byte> b = stackalloc byte[3];
        if (!r.TryCopyTo(b)) return false;
        r.Advance(3);
        value = (uint)((b[0] << 16) | (b[1] << 8) | b[2]);
        return true;
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        foreach (var s in _streams.Values)
        {
            if (s.Buffer is not null) ArrayPool<byte>.Shared.Return(s.Buffer);
            s.Buffer = null;
        }
        _streams.Clear();
    }

    /// <summary>Reads a big-endian 32-bit value of a control message payload.</summary>
    public static uint ReadUInt32(ReadOnlySpan<byte> payload) =>
        payload.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(payload) : throw new RtmpProtocolException($"control message of {payload.Length} bytes (4 expected)");
}
