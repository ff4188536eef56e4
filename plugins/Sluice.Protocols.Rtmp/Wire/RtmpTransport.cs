using System.Buffers;
using System.IO.Pipelines;
using Sluice.Media.Amf;

namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>
/// One RTMP connection's wire, for servers and clients alike: the handshake, chunk reassembly and
/// chunking on <see cref="System.IO.Pipelines"/>, and the protocol control messages (chunk size, abort,
/// acknowledgements, window, peer bandwidth, pings), answered here so callers see only commands, data
/// and media. Writes are serialized by <see cref="SendLock"/>: take it, write, flush, release.
/// </summary>
internal sealed class RtmpTransport : IAsyncDisposable
{
    /// <summary>The chunk size we announce once connected (what ffmpeg and nginx-rtmp use).</summary>
    public const int OutgoingChunkSize = 4096;

    /// <summary>The window we ask the peer to acknowledge.</summary>
    public const uint Window = 2_500_000;

    private readonly Stream _stream;
    private readonly ChunkReader _chunks;
    private readonly ChunkWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private uint _peerWindow;
    private long _acknowledged;
    private long _written;
    private int _disposed;

    public RtmpTransport(Stream stream, RtmpLimits limits)
    {
        _stream = stream;
        _chunks = new ChunkReader(limits);
        // Zero-byte reads: an idle connection holds no buffer until data arrives.
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 << 10, minimumReadSize: 2048, leaveOpen: true, useZeroByteReads: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 32 << 10, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Held while writing and flushing a batch of messages.</summary>
    public SemaphoreSlim SendLock { get; } = new(1, 1);

    public long BytesRead => _chunks.BytesRead;

    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>When the flush in progress began (<see cref="Environment.TickCount64"/>), or 0: a watchdog closes a stuck peer.</summary>
    public long FlushStartedMs { get; private set; }

    /// <summary>Server side: reads C0+C1, answers S0+S1+S2, reads C2.</summary>
    public async Task AcceptHandshakeAsync(CancellationToken cancellationToken)
    {
        var c0c1 = await ReadExactAsync(1 + Handshake.Size, cancellationToken);
        if (c0c1[0] != Handshake.Version)
            throw new RtmpProtocolException(c0c1[0] is 6 or 8 or 9 ? "encrypted RTMP (RTMPE) is not supported" : $"handshake version {c0c1[0]} (3 expected)");
        await WriteRawAsync(Handshake.ServerReply(c0c1.AsSpan(1)), cancellationToken);
        await ReadExactAsync(Handshake.Size, cancellationToken); // C2: not checked
    }

    /// <summary>Client side: sends C0+C1, reads S0+S1+S2, answers C2.</summary>
    public async Task ConnectHandshakeAsync(CancellationToken cancellationToken)
    {
        await WriteRawAsync(Handshake.ClientHello(), cancellationToken);
        var s0s1s2 = await ReadExactAsync(1 + 2 * Handshake.Size, cancellationToken);
        if (s0s1s2[0] != Handshake.Version) throw new RtmpProtocolException($"the server answered handshake version {s0s1s2[0]}");
        await WriteRawAsync(Handshake.ClientAck(s0s1s2.AsSpan(1, Handshake.Size)), cancellationToken);
    }

    /// <summary>Sends our window and chunk size (and, for a server, the peer bandwidth).</summary>
    public async Task SendConnectionSettingsAsync(bool server, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken);
        try
        {
            WriteMessage(ChunkStreams.Control, MessageType.WindowAckSize, 0, 0, ControlMessages.UInt32(Window));
            if (server) WriteMessage(ChunkStreams.Control, MessageType.SetPeerBandwidth, 0, 0, ControlMessages.PeerBandwidth(Window));
            WriteMessage(ChunkStreams.Control, MessageType.SetChunkSize, 0, 0, ControlMessages.UInt32(OutgoingChunkSize));
            _writer.ChunkSize = OutgoingChunkSize;
            await FlushAsync(cancellationToken);
        }
        finally
        {
            SendLock.Release();
        }
    }

    /// <summary>
    /// The next command, data or media message; protocol control is handled here. Null at the end of
    /// the connection. A message of an unknown type throws <see cref="RtmpProtocolException"/>.
    /// </summary>
    public async ValueTask<RtmpMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            RtmpMessage message;
            var got = false;
            try
            {
                got = _chunks.TryRead(ref buffer, out message);
            }
            finally
            {
                // Whole chunks are consumed. Without a message, the rest is examined: the next read waits for
                // more bytes; with one, more whole chunks may be buffered already.
                Input.AdvanceTo(buffer.Start, got ? buffer.Start : result.Buffer.End);
            }
            if (!got)
            {
                if (result.IsCompleted || result.IsCanceled) return null;
                continue;
            }
            await AcknowledgeIfDueAsync(cancellationToken);
            if (await HandleControlAsync(message, cancellationToken)) continue;
            return message;
        }
    }

    /// <summary>True when the message was protocol control (handled); throws for unknown types.</summary>
    private async ValueTask<bool> HandleControlAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload.Span;
        switch (message.Type)
        {
            case MessageType.SetChunkSize:
                _chunks.SetChunkSize(ChunkReader.ReadUInt32(payload) & 0x7FFFFFFF);
                return true;
            case MessageType.Abort:
                _chunks.Abort(ChunkReader.ReadUInt32(payload));
                return true;
            case MessageType.Acknowledgement:
                return true;
            case MessageType.WindowAckSize:
                _peerWindow = ChunkReader.ReadUInt32(payload);
                return true;
            case MessageType.SetPeerBandwidth:
                if (payload.Length < 4) throw new RtmpProtocolException("short Set Peer Bandwidth");
                return true;
            case MessageType.UserControl:
                if (payload.Length < 2) throw new RtmpProtocolException("short user control message");
                var eventType = (ushort)((payload[0] << 8) | payload[1]);
                if (eventType == UserControlEvent.PingRequest && payload.Length >= 6)
                {
                    var time = ChunkReader.ReadUInt32(payload[2..]);
                    await SendAsync(ChunkStreams.Control, MessageType.UserControl, 0, 0,
                        ControlMessages.UserControl(UserControlEvent.PingResponse, time), cancellationToken);
                }
                return true;
            case MessageType.Audio or MessageType.Video or MessageType.DataAmf0 or MessageType.DataAmf3
                or MessageType.CommandAmf0 or MessageType.CommandAmf3 or MessageType.Aggregate:
                return false;
            case MessageType.SharedObjectAmf0 or MessageType.SharedObjectAmf3:
                return true; // shared objects are a Flash feature nobody streams with: ignored
            default:
                throw new RtmpProtocolException($"message of unknown type {message.Type}");
        }
    }

    private async ValueTask AcknowledgeIfDueAsync(CancellationToken cancellationToken)
    {
        if (_peerWindow == 0 || _chunks.BytesRead - _acknowledged < _peerWindow / 2) return;
        _acknowledged = _chunks.BytesRead;
        await SendAsync(ChunkStreams.Control, MessageType.Acknowledgement, 0, 0, ControlMessages.UInt32((uint)_acknowledged), cancellationToken);
    }

    /// <summary>Writes one message (hold <see cref="SendLock"/>; flush after).</summary>
    public void WriteMessage(int chunkStreamId, byte type, uint streamId, long timestampMs, ReadOnlySpan<byte> payload)
    {
        var before = Output.UnflushedBytes;
        _writer.Write(Output, chunkStreamId, type, streamId, timestampMs, payload);
        Interlocked.Add(ref _written, Output.UnflushedBytes - before);
    }

    /// <summary>Writes an AMF0 command or data message (hold <see cref="SendLock"/>).</summary>
    public void WriteAmf(int chunkStreamId, byte type, uint streamId, params object?[] values)
    {
        _scratch.ResetWrittenCount();
        var amf = new AmfWriter(_scratch);
        foreach (var v in values) amf.WriteValue(v);
        WriteMessage(chunkStreamId, type, streamId, 0, _scratch.WrittenSpan);
    }

    /// <summary>Flushes what was written (hold <see cref="SendLock"/>).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        FlushStartedMs = Environment.TickCount64;
        try
        {
            var result = await Output.FlushAsync(cancellationToken);
            if (result.IsCompleted) throw new IOException("the connection is closed");
        }
        finally
        {
            FlushStartedMs = 0;
        }
    }

    /// <summary>Writes and flushes one message under the lock.</summary>
    public async ValueTask SendAsync(int chunkStreamId, byte type, uint streamId, long timestampMs, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken);
        try
        {
            WriteMessage(chunkStreamId, type, streamId, timestampMs, payload.Span);
            await FlushAsync(cancellationToken);
        }
        finally
        {
            SendLock.Release();
        }
    }

    /// <summary>Writes and flushes one AMF0 command under the lock.</summary>
    public async ValueTask SendCommandAsync(uint streamId, params object?[] values)
    {
        await SendLock.WaitAsync();
        try
        {
            WriteAmf(ChunkStreams.Command, MessageType.CommandAmf0, streamId, values);
            await FlushAsync(CancellationToken.None);
        }
        finally
        {
            SendLock.Release();
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = await Input.ReadAtLeastAsync(count, cancellationToken);
        var buffer = result.Buffer;
        if (buffer.Length < count)
        {
            Input.AdvanceTo(buffer.End);
            throw new RtmpProtocolException(buffer.Length == 0 ? "closed during the handshake" : $"handshake cut off after {buffer.Length} of {count} bytes");
        }
        var bytes = buffer.Slice(0, count).ToArray();
        Input.AdvanceTo(buffer.GetPosition(count));
        return bytes;
    }

    private async Task WriteRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken);
        try
        {
            Output.Write(bytes);
            Interlocked.Add(ref _written, bytes.Length);
            await FlushAsync(cancellationToken);
        }
        finally
        {
            SendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try { await Input.CompleteAsync(); } catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        try { await Output.CompleteAsync(); } catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        try { await _stream.DisposeAsync(); } catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        _chunks.Dispose();
    }
}
