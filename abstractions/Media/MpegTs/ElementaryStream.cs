using System.Buffers;
using System.Buffers.Binary;
using Sluice.Abstractions.Buffers;
using Sluice.Media.Codecs;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

/// <summary>
/// One elementary stream of the demuxer: reassembles PES packets in a reused pooled buffer and
/// turns each into frames (one video access unit, or the audio frames the PES holds).
/// </summary>
internal sealed partial class ElementaryStream : IDisposable
{
    private readonly TsDemuxer _owner;
    private byte[] _pes;
    private int _fill;
    private int _expected;          // whole PES length incl. 6-byte prefix, 0 when unbounded, -1 before the prefix is in
    private bool _active;
    private bool _randomAccess;
    private bool _lostData;
    private long _lastDts;

    public ElementaryStream(TsDemuxer owner, TsProgram program, int pid, byte streamType, CodecId codec, int channels)
    {
        _owner = owner;
        Program = program;
        Pid = pid;
        StreamType = streamType;
        Codec = codec;
        InitialCodec = codec;
        Track = new TrackInfo
        {
            TrackId = pid,
            Codec = codec,
            ProgramNumber = program.ProgramNumber,
            StreamType = streamType,
            Audio = codec == CodecId.Opus ? new AudioConfig { SampleRate = OpusPacket.SampleRate, Channels = channels, SamplesPerFrame = 960 } : null,
        };
        _pes = ArrayPool<byte>.Shared.Rent(codec is CodecId.H264 or CodecId.H265 ? 64 * 1024 : 4 * 1024);
    }

    public TsProgram Program { get; }
    public int Pid { get; }
    public byte StreamType { get; }
    public CodecId Codec { get; private set; }
    public CodecId InitialCodec { get; }
    public TrackInfo Track { get; private set; }

    /// <summary>Data was lost (continuity error, transport error): drop the PES in progress.</summary>
    public void OnDataLost()
    {
        if (_active) _owner.Stats.PesErrors++;
        _active = false;
        _lostData = true;
        DropAudioLeftover();
    }

    public void OnPayload(ReadOnlySpan<byte> payload, bool unitStart, bool randomAccess)
    {
        if (unitStart)
        {
            if (_active) FinishPes(endOfStream: false);
            _active = true;
            _fill = 0;
            _expected = -1; // known once the 6-byte prefix is in (it may straddle packets)
            _randomAccess = randomAccess;
        }
        if (!_active || !Append(payload)) return;
        if (_expected < 0 && _fill >= 6)
        {
            if (_pes[0] != 0 || _pes[1] != 0 || _pes[2] != 1)
            {
                _owner.Stats.PesErrors++;
                _active = false;
                return;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(_pes.AsSpan(4));
            _expected = length == 0 ? 0 : 6 + length;
        }
        if (_expected > 0 && _fill >= _expected)
        {
            FinishPes(endOfStream: false);
            _active = false;
        }
    }

    /// <summary>End of input: emit a PES whose length was unbounded or is complete.</summary>
    public void Flush()
    {
        if (_active) FinishPes(endOfStream: true);
        _active = false;
        DropAudioLeftover();
    }

    private bool Append(ReadOnlySpan<byte> payload)
    {
        var needed = _fill + payload.Length;
        if (needed > _owner.Options.MaxFrameSize)
        {
            _owner.Stats.PesErrors++;
            _active = false;
            return false;
        }
        if (needed > _pes.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _pes.Length * 2));
            _pes.AsSpan(0, _fill).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_pes);
            _pes = bigger;
        }
        payload.CopyTo(_pes.AsSpan(_fill));
        _fill = needed;
        return true;
    }

    private void FinishPes(bool endOfStream)
    {
        if (_expected < 0)
        {
            _owner.Stats.PesErrors++;
            return;
        }
        var end = _expected > 0 ? _expected : _fill;
        if (end > _fill)
        {
            // The PES length promised more than arrived before the next unit started.
            if (!endOfStream) _owner.Stats.PesErrors++;
            return;
        }
        var pes = _pes.AsSpan(0, end);
        var streamId = pes[3];
        if (streamId is 0xBC or 0xBE or 0xBF or 0xF0 or 0xF1 or 0xF2 or 0xF8 or 0xFF) return;
        if (pes.Length < 9 || (pes[6] & 0xC0) != 0x80)
        {
            _owner.Stats.PesErrors++;
            return;
        }
        var ptsDtsFlags = pes[7] >> 6;
        var headerLength = pes[8];
        var payloadStart = 9 + headerLength;
        if (payloadStart > pes.Length || (ptsDtsFlags >= 2 && headerLength < 5) || (ptsDtsFlags == 3 && headerLength < 10) || ptsDtsFlags == 1)
        {
            _owner.Stats.PesErrors++;
            return;
        }
        long? pts = null, dts = null;
        if (ptsDtsFlags >= 2)
        {
            pts = Program.Clock.Unwrap(ReadTimestamp(pes[9..]));
            dts = ptsDtsFlags == 3 ? Program.Clock.Unwrap(ReadTimestamp(pes[14..])) : pts;
        }
        var data = pes[payloadStart..];
        if (Codec is CodecId.H264 or CodecId.H265) EmitVideo(data, pts, dts);
        else EmitAudio(data, pts);
    }

    private static long ReadTimestamp(ReadOnlySpan<byte> b) =>
        ((long)(b[0] >> 1 & 0x07) << 30) | ((long)b[1] << 22) | ((long)(b[2] >> 1) << 15) | ((long)b[3] << 7) | (long)(b[4] >> 1);

    private void EmitVideo(ReadOnlySpan<byte> accessUnit, long? pts, long? dts)
    {
        if (accessUnit.IsEmpty) return;
        var keyframe = ScanAccessUnit(accessUnit);
        var flags = FrameFlags.None;
        if (keyframe) flags |= FrameFlags.Keyframe;
        if (_randomAccess) flags |= FrameFlags.RandomAccess;
        var frameDts = dts ?? _lastDts;
        var framePts = pts ?? frameDts;
        _lastDts = frameDts;
        Emit(accessUnit, frameDts, framePts, flags);
    }

    private void Emit(ReadOnlySpan<byte> data, long dts, long pts, FrameFlags flags)
    {
        if (_lostData)
        {
            flags |= FrameFlags.Discontinuity;
            _lostData = false;
        }
        var frame = new MediaFrame(Pid, Codec, dts, pts, flags, RentedBuffer.CopyOf(data));
        try
        {
            _owner.Stats.Frames++;
            _owner.Sink.OnFrame(in frame);
        }
        finally
        {
            frame.Release();
        }
    }

    private void UpdateTrack(TrackInfo track)
    {
        Track = track;
        Codec = track.Codec;
        _owner.Sink.OnTrack(track);
    }

    public void Dispose()
    {
        var pes = Interlocked.Exchange(ref _pes, []);
        if (pes.Length > 0) ArrayPool<byte>.Shared.Return(pes);
        ReturnAudioLeftover();
    }
}
