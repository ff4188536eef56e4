using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>An RTMP message as it came off the wire, reassembled from its chunks.</summary>
internal sealed record TestRtmpMessage(byte Type, uint StreamId, uint Timestamp, byte[] Body);

/// <summary>
/// A small RTMP client written for the tests from Adobe's RTMP 1.0 specification and the Enhanced RTMP specification
/// (veovera), sharing no code with the plugin, so that a path no real encoder here can drive (ffmpeg 5.1 neither
/// publishes nor plays Enhanced RTMP) is still checked against an independent reading of the specifications: the
/// simple handshake, chunks of all four header types with extended timestamps on read, AMF0 commands, the
/// <c>fourCcList</c> of <c>connect</c>, and ExVideoTagHeader tags.
/// </summary>
internal sealed class TestRtmpClient : IAsyncDisposable
{
    private const int OutChunkSize = 4096;
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Dictionary<int, ChunkStreamState> _chunkStreams = [];
    private readonly byte[] _one = new byte[1];
    private int _inChunkSize = 128;
    private uint _window = 2_500_000;
    private long _received, _acknowledged;
    private double _transaction;

    private TestRtmpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects, shakes hands and sends <c>connect</c> for <paramref name="app"/>, announcing <paramref name="fourCcList"/>.</summary>
    public static async Task<TestRtmpClient> ConnectAsync(int port, string app, IReadOnlyList<string> fourCcList, CancellationToken ct)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, ct);
        var client = new TestRtmpClient(tcp);
        await client.HandshakeAsync(ct);
        await client.WriteAsync(2, 1, 0, 0, BigEndian32(OutChunkSize), ct); // Set Chunk Size
        var command = new Amf0Writer().String("connect").Number(client.NextTransaction()).Object(
            ("app", app), ("type", "nonprivate"), ("flashVer", "FMLE/3.0 (compatible; Sluice tests)"),
            ("tcUrl", $"rtmp://127.0.0.1:{port}/{app}"), ("fourCcList", fourCcList.Cast<object?>().ToArray()));
        await client.WriteAsync(3, 20, 0, 0, command.ToArray(), ct);
        var result = await client.ReadCommandAsync(c => c[0] is "_result" or "_error", ct);
        if (result[0] is not "_result") throw new InvalidOperationException("connect refused: " + Describe(result));
        client.ConnectResult = result;
        return client;
    }

    /// <summary>The <c>_result</c> of <c>connect</c>: its information object carries the server's <c>fourCcList</c>.</summary>
    public object?[] ConnectResult { get; private set; } = [];

    /// <summary>releaseStream, FCPublish, createStream, publish: the <c>onStatus</c> code and the message stream id.</summary>
    public async Task<(string Code, uint StreamId)> PublishAsync(string name, CancellationToken ct)
    {
        await WriteAsync(3, 20, 0, 0, new Amf0Writer().String("releaseStream").Number(NextTransaction()).Null().String(name).ToArray(), ct);
        await WriteAsync(3, 20, 0, 0, new Amf0Writer().String("FCPublish").Number(NextTransaction()).Null().String(name).ToArray(), ct);
        var streamId = await CreateStreamAsync(ct);
        await WriteAsync(4, 20, streamId, 0, new Amf0Writer().String("publish").Number(NextTransaction()).Null().String(name).String("live").ToArray(), ct);
        return (await StatusCodeAsync(ct), streamId);
    }

    /// <summary>createStream, play: the first <c>onStatus</c> code and the message stream id.</summary>
    public async Task<(string Code, uint StreamId)> PlayAsync(string name, CancellationToken ct)
    {
        var streamId = await CreateStreamAsync(ct);
        await WriteAsync(8, 20, streamId, 0, new Amf0Writer().String("play").Number(NextTransaction()).Null().String(name).Number(-2).ToArray(), ct);
        return (await StatusCodeAsync(ct), streamId);
    }

    /// <summary><c>@setDataFrame onMetaData</c> with Enhanced RTMP's FourCC as the video codec id.</summary>
    public Task SendMetadataAsync(uint streamId, string fourCc, int width, int height, CancellationToken ct) =>
        WriteAsync(4, 18, streamId, 0, new Amf0Writer().String("@setDataFrame").String("onMetaData").EcmaArray(
            ("width", (double)width), ("height", (double)height), ("framerate", 25.0),
            ("videocodecid", (double)BinaryPrimitives.ReadUInt32BigEndian(Encoding.ASCII.GetBytes(fourCc)))).ToArray(), ct);

    /// <summary>A video message (an FLV video tag body) at <paramref name="timestampMs"/>.</summary>
    public Task SendVideoAsync(uint streamId, uint timestampMs, byte[] body, CancellationToken ct) => WriteAsync(6, 9, streamId, timestampMs, body, ct);

    /// <summary>
    /// The next message that is not protocol control (those are answered here: chunk size, window, ping), or null
    /// when the server closed the connection.
    /// </summary>
    public async Task<TestRtmpMessage?> ReadMessageAsync(CancellationToken ct)
    {
        while (true)
        {
            var message = await ReadAnyMessageAsync(ct);
            if (message is null) return null;
            switch (message.Type)
            {
                case 1: _inChunkSize = (int)(BinaryPrimitives.ReadUInt32BigEndian(message.Body) & 0x7FFFFFFF); continue;
                case 5: _window = BinaryPrimitives.ReadUInt32BigEndian(message.Body); continue;
                case 3 or 6: continue;
                case 4 when BinaryPrimitives.ReadUInt16BigEndian(message.Body) == 6: // PingRequest: answer with PingResponse
                    var pong = new byte[6];
                    BinaryPrimitives.WriteUInt16BigEndian(pong, 7);
                    message.Body.AsSpan(2, 4).CopyTo(pong.AsSpan(2));
                    await WriteAsync(2, 4, 0, 0, pong, ct);
                    continue;
                case 4: continue;
                default: return message;
            }
        }
    }

    /// <summary>The values of the next AMF0 command that <paramref name="match"/> accepts; other messages are skipped.</summary>
    public async Task<object?[]> ReadCommandAsync(Func<object?[], bool> match, CancellationToken ct)
    {
        while (true)
        {
            var message = await ReadMessageAsync(ct) ?? throw new EndOfStreamException("the server closed the connection");
            if (message.Type != 20) continue;
            var values = Amf0Reader.ReadAll(message.Body);
            if (values.Length > 0 && match(values)) return values;
        }
    }

    /// <summary>The <c>code</c> of an AMF0 information object, e.g. the fourth value of <c>onStatus</c>.</summary>
    public static string? CodeOf(object?[] command) => command.OfType<Dictionary<string, object?>>().Select(o => o.GetValueOrDefault("code") as string).LastOrDefault(c => c is not null);

    private async Task<uint> CreateStreamAsync(CancellationToken ct)
    {
        var transaction = NextTransaction();
        await WriteAsync(3, 20, 0, 0, new Amf0Writer().String("createStream").Number(transaction).Null().ToArray(), ct);
        var result = await ReadCommandAsync(c => c[0] is "_result" or "_error" && c[1] is double t && t == transaction, ct);
        return result[0] is "_result" && result.Length > 3 && result[3] is double id ? (uint)id : throw new InvalidOperationException("createStream: " + Describe(result));
    }

    private async Task<string> StatusCodeAsync(CancellationToken ct) =>
        CodeOf(await ReadCommandAsync(c => c[0] is "onStatus" or "_error", ct)) ?? "(no code)";

    private double NextTransaction() => ++_transaction;

    private async Task HandshakeAsync(CancellationToken ct)
    {
        // C0 (version 3) and C1 (time, four zero bytes: the simple handshake, random); S0 S1 S2 back; C2 echoes S1.
        var c0c1 = new byte[1 + 1536];
        c0c1[0] = 3;
        Random.Shared.NextBytes(c0c1.AsSpan(9));
        await _stream.WriteAsync(c0c1, ct);
        var s0s1s2 = new byte[1 + 1536 + 1536];
        await _stream.ReadExactlyAsync(s0s1s2, ct);
        if (s0s1s2[0] != 3) throw new InvalidDataException($"S0 is version {s0s1s2[0]}");
        await _stream.WriteAsync(s0s1s2.AsMemory(1, 1536), ct);
    }

    /// <summary>One message as chunks: a type 0 header, then type 3 continuations (extended timestamp repeated in each).</summary>
    private async Task WriteAsync(int chunkStream, byte type, uint streamId, uint timestamp, byte[] body, CancellationToken ct)
    {
        var extended = timestamp >= 0xFFFFFF;
        var output = new MemoryStream(body.Length + 32);
        var header = new byte[16];
        header[0] = (byte)chunkStream; // fmt 0, chunk stream ids 2-63 in one byte
        WriteUInt24(header.AsSpan(1), extended ? 0xFFFFFF : timestamp);
        WriteUInt24(header.AsSpan(4), (uint)body.Length);
        header[7] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), streamId);
        var headerLength = 12;
        if (extended) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(headerLength), timestamp);
        output.Write(header, 0, extended ? 16 : 12);
        for (var at = 0; at < body.Length || at == 0; at += OutChunkSize)
        {
            if (at > 0)
            {
                output.WriteByte((byte)(0xC0 | chunkStream));
                if (extended) output.Write(BigEndian32((int)timestamp));
            }
            output.Write(body, at, Math.Min(OutChunkSize, body.Length - at));
            if (body.Length == 0) break;
        }
        await _stream.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length), ct);
    }

    private async Task<TestRtmpMessage?> ReadAnyMessageAsync(CancellationToken ct)
    {
        while (true)
        {
            if (await ReadByteAsync(ct) is not { } first) return null;
            var format = first >> 6;
            var id = first & 0x3F;
            if (id == 0) id = 64 + await ReadByteOrThrowAsync(ct);
            else if (id == 1) id = 64 + await ReadByteOrThrowAsync(ct) + 256 * await ReadByteOrThrowAsync(ct);
            if (!_chunkStreams.TryGetValue(id, out var s)) _chunkStreams[id] = s = new ChunkStreamState();

            uint field = 0;
            if (format <= 2) field = ReadUInt24(await ReadExactlyAsync(3, ct));
            if (format <= 1)
            {
                var b = await ReadExactlyAsync(4, ct);
                s.Length = (int)ReadUInt24(b);
                s.Type = b[3];
            }
            if (format == 0) s.StreamId = BinaryPrimitives.ReadUInt32LittleEndian(await ReadExactlyAsync(4, ct));
            if (format <= 2) s.Extended = field == 0xFFFFFF;
            if (s.Extended) field = BinaryPrimitives.ReadUInt32BigEndian(await ReadExactlyAsync(4, ct));

            if (s.Body is null) // the first chunk of a message
            {
                if (format == 0) s.Timestamp = field;
                else if (format == 3) s.Timestamp += s.Delta;
                else s.Timestamp += field;
                if (format <= 2) s.Delta = field; // what a type 3 header repeats
                s.Body = new byte[s.Length];
                s.Filled = 0;
            }
            var take = Math.Min(_inChunkSize, s.Length - s.Filled);
            if (take > 0) await ReadIntoAsync(s.Body.AsMemory(s.Filled, take), ct);
            s.Filled += take;
            if (s.Filled < s.Length) continue;
            var message = new TestRtmpMessage(s.Type, s.StreamId, s.Timestamp, s.Body);
            s.Body = null;
            return message;
        }
    }

    private async Task<int?> ReadByteAsync(CancellationToken ct)
    {
        var n = await _stream.ReadAsync(_one, ct);
        if (n == 0) return null;
        await CountAsync(1, ct);
        return _one[0];
    }

    private async Task<int> ReadByteOrThrowAsync(CancellationToken ct) => await ReadByteAsync(ct) ?? throw new EndOfStreamException();

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        await ReadIntoAsync(buffer, ct);
        return buffer;
    }

    private async Task ReadIntoAsync(Memory<byte> buffer, CancellationToken ct)
    {
        await _stream.ReadExactlyAsync(buffer, ct);
        await CountAsync(buffer.Length, ct);
    }

    /// <summary>Acknowledges every window of bytes received, as a well-behaved peer must.</summary>
    private async Task CountAsync(int bytes, CancellationToken ct)
    {
        _received += bytes;
        if (_received - _acknowledged < _window) return;
        _acknowledged = _received;
        await WriteAsync(2, 3, 0, 0, BigEndian32((int)(uint)_received), ct);
    }

    private static byte[] BigEndian32(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        return b;
    }

    private static uint ReadUInt24(ReadOnlySpan<byte> b) => (uint)((b[0] << 16) | (b[1] << 8) | b[2]);

    private static void WriteUInt24(Span<byte> b, uint value)
    {
        b[0] = (byte)(value >> 16);
        b[1] = (byte)(value >> 8);
        b[2] = (byte)value;
    }

    private static string Describe(object?[] values) => string.Join(", ", values.Select(v => v is Dictionary<string, object?> d ? "{" + string.Join(", ", d.Select(p => $"{p.Key}={p.Value}")) + "}" : v?.ToString() ?? "null"));

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class ChunkStreamState
    {
        public uint Timestamp, Delta, StreamId;
        public int Length, Filled;
        public byte Type;
        public bool Extended;
        public byte[]? Body;
    }
}

/// <summary>AMF0 values (numbers, booleans, strings, objects, ECMA and strict arrays, null) as RTMP commands carry them.</summary>
internal sealed class Amf0Writer
{
    private readonly MemoryStream _out = new();

    public Amf0Writer Number(double value)
    {
        _out.WriteByte(0x00);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, value);
        _out.Write(b);
        return this;
    }

    public Amf0Writer String(string value)
    {
        _out.WriteByte(0x02);
        Utf8(value);
        return this;
    }

    public Amf0Writer Null()
    {
        _out.WriteByte(0x05);
        return this;
    }

    public Amf0Writer Object(params (string Key, object? Value)[] properties)
    {
        _out.WriteByte(0x03);
        Properties(properties);
        return this;
    }

    public Amf0Writer EcmaArray(params (string Key, object? Value)[] properties)
    {
        _out.WriteByte(0x08);
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, (uint)properties.Length);
        _out.Write(count);
        Properties(properties);
        return this;
    }

    public byte[] ToArray() => _out.ToArray();

    private void Properties((string Key, object? Value)[] properties)
    {
        foreach (var (key, value) in properties)
        {
            Utf8(key);
            Value(value);
        }
        _out.Write([0, 0, 0x09]);
    }

    private void Value(object? value)
    {
        switch (value)
        {
            case null: Null(); break;
            case double d: Number(d); break;
            case bool b: _out.WriteByte(0x01); _out.WriteByte(b ? (byte)1 : (byte)0); break;
            case string s: String(s); break;
            case object?[] array:
                _out.WriteByte(0x0A);
                Span<byte> count = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(count, (uint)array.Length);
                _out.Write(count);
                foreach (var item in array) Value(item);
                break;
            default: throw new ArgumentException($"no AMF0 form for {value.GetType()}");
        }
    }

    private void Utf8(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
        _out.Write(length);
        _out.Write(bytes);
    }
}

/// <summary>Reads the AMF0 values of a command message (objects as dictionaries, arrays as object?[]).</summary>
internal static class Amf0Reader
{
    public static object?[] ReadAll(byte[] body)
    {
        var values = new List<object?>();
        var at = 0;
        while (at < body.Length) values.Add(Read(body, ref at));
        return [.. values];
    }

    private static object? Read(byte[] b, ref int at)
    {
        var marker = b[at++];
        switch (marker)
        {
            case 0x00: at += 8; return BinaryPrimitives.ReadDoubleBigEndian(b.AsSpan(at - 8));
            case 0x01: return b[at++] != 0;
            case 0x02: return Utf8(b, ref at);
            case 0x03: return Properties(b, ref at);
            case 0x05 or 0x06: return null;
            case 0x08: at += 4; return Properties(b, ref at);
            case 0x0A:
                var count = (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));
                at += 4;
                var items = new object?[count];
                for (var i = 0; i < count; i++) items[i] = Read(b, ref at);
                return items;
            case 0x0B: at += 10; return null; // date
            case 0x0C:
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));
                at += 4 + length;
                return Encoding.UTF8.GetString(b, at - length, length);
            default: throw new InvalidDataException($"AMF0 marker 0x{marker:x2} at {at - 1}");
        }
    }

    private static Dictionary<string, object?> Properties(byte[] b, ref int at)
    {
        var properties = new Dictionary<string, object?>();
        while (true)
        {
            var key = Utf8(b, ref at);
            if (key.Length == 0 && b[at] == 0x09)
            {
                at++;
                return properties;
            }
            properties[key] = Read(b, ref at);
        }
    }

    private static string Utf8(byte[] b, ref int at)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at));
        at += 2 + length;
        return Encoding.UTF8.GetString(b, at - length, length);
    }
}
