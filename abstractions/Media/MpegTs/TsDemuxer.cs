using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

/// <summary>
/// Push-based MPEG-TS demuxer. <see cref="Feed"/> takes chunks of any size (packets may straddle
/// chunks), finds programs through PAT/PMT, reassembles PES packets and hands frames to an
/// <see cref="IFrameSink"/> on the calling thread. Malformed input is counted in <see cref="Stats"/>
/// and skipped, never thrown. Not thread-safe: one feeder at a time.
/// </summary>
public sealed partial class TsDemuxer : IDisposable
{
    private readonly PidState?[] _pids = new PidState?[TsConstants.PidCount];
    private readonly List<TsProgram> _programs = [];
    private readonly List<ElementaryStream> _streams = [];
    private readonly byte[] _partial = new byte[TsConstants.PacketSize];
    private int _partialLength;
    private bool _disposed;

    /// <summary>Creates a demuxer that delivers to <paramref name="sink"/>.</summary>
    public TsDemuxer(IFrameSink sink, TsDemuxerOptions? options = null)
    {
        Sink = sink ?? throw new ArgumentNullException(nameof(sink));
        Options = options ?? new TsDemuxerOptions();
        _pids[TsConstants.PatPid] = new PidState(PidKind.Pat);
    }

    /// <summary>Counters of what was read and skipped.</summary>
    public TsDemuxerStats Stats { get; } = new();

    /// <summary>Programs found in the PAT.</summary>
    public IReadOnlyList<TsProgram> Programs => _programs;

    /// <summary>Current description of every supported elementary stream found in a PMT.</summary>
    public IReadOnlyList<TrackInfo> Tracks => _streams.ConvertAll(s => s.Track);

    internal IFrameSink Sink { get; }
    internal TsDemuxerOptions Options { get; }

    /// <summary>Continuity counter errors seen on <paramref name="pid"/> (PAT, PMT and elementary PIDs are tracked).</summary>
    public long GetContinuityErrors(int pid) =>
        pid is >= 0 and < TsConstants.PidCount ? _pids[pid]?.ContinuityErrors ?? 0 : 0;

    /// <summary>Feeds the next chunk of the transport stream (any length, packets may straddle chunks).</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Stats.Bytes += data.Length;
        if (_partialLength > 0)
        {
            var take = Math.Min(TsConstants.PacketSize - _partialLength, data.Length);
            data[..take].CopyTo(_partial.AsSpan(_partialLength));
            _partialLength += take;
            data = data[take..];
            if (_partialLength < TsConstants.PacketSize) return;
            _partialLength = 0;
            ProcessPacket(_partial);
        }

        var position = 0;
        while (data.Length - position >= TsConstants.PacketSize)
        {
            if (data[position] != TsConstants.SyncByte)
            {
                position = Resync(data, position);
                continue;
            }
            ProcessPacket(data.Slice(position, TsConstants.PacketSize));
            position += TsConstants.PacketSize;
        }
        KeepTail(data[position..]);
    }

    /// <summary>End of input: emits the frames still being assembled (unbounded video PES, last audio PES).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _partialLength = 0;
        foreach (var stream in _streams) stream.Flush();
    }

    /// <summary>Returns the pooled assembly buffers; the demuxer cannot be fed afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var stream in _streams) stream.Dispose();
        _streams.Clear();
    }

    /// <summary>Finds the next 0x47 that is followed by another one a packet later (when that is visible).</summary>
    private int Resync(ReadOnlySpan<byte> data, int position)
    {
        Stats.SyncLosses++;
        var start = position;
        var candidate = position + 1;
        while (true)
        {
            var found = candidate < data.Length ? data[candidate..].IndexOf(TsConstants.SyncByte) : -1;
            if (found < 0)
            {
                Stats.SkippedBytes += data.Length - start;
                return data.Length;
            }
            candidate += found;
            var next = candidate + TsConstants.PacketSize;
            if (next >= data.Length || data[next] == TsConstants.SyncByte)
            {
                Stats.SkippedBytes += candidate - start;
                return candidate;
            }
            candidate++;
        }
    }

    private void KeepTail(ReadOnlySpan<byte> tail)
    {
        if (tail.IsEmpty) return;
        var sync = tail.IndexOf(TsConstants.SyncByte);
        if (sync != 0)
        {
            Stats.SyncLosses++;
            Stats.SkippedBytes += sync < 0 ? tail.Length : sync;
            if (sync < 0) return;
            tail = tail[sync..];
        }
        tail.CopyTo(_partial);
        _partialLength = tail.Length;
    }

    private void ProcessPacket(ReadOnlySpan<byte> packet)
    {
        Stats.Packets++;
        var pid = ((packet[1] & 0x1F) << 8) | packet[2];
        if ((packet[1] & 0x80) != 0)
        {
            Stats.TransportErrors++;
            _pids[pid]?.Stream?.OnDataLost();
            return;
        }
        var state = _pids[pid];
        if (state is null) return;

        var unitStart = (packet[1] & 0x40) != 0;
        var scrambled = (packet[3] & 0xC0) != 0;
        var adaptationControl = (packet[3] >> 4) & 3;
        var cc = packet[3] & 0x0F;
        if (adaptationControl == 0)
        {
            Stats.MalformedPackets++;
            return;
        }

        var offset = 4;
        var discontinuity = false;
        var randomAccess = false;
        if ((adaptationControl & 2) != 0)
        {
            int length = packet[4];
            var maxLength = adaptationControl == 3 ? 182 : 183;
            if (length > maxLength)
            {
                Stats.MalformedPackets++;
                return;
            }
            if (length > 0)
            {
                var flags = packet[5];
                discontinuity = (flags & 0x80) != 0;
                randomAccess = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0 && length >= 7) OnPcr(pid, packet.Slice(6, 6));
            }
            offset = 5 + length;
        }

        var hasPayload = (adaptationControl & 1) != 0;
        if (hasPayload && !CheckContinuity(state, cc, discontinuity, packet)) return;
        if (!hasPayload || offset >= TsConstants.PacketSize) return;
        if (scrambled)
        {
            Stats.MalformedPackets++;
            return;
        }

        var payload = packet[offset..];
        switch (state.Kind)
        {
            case PidKind.Pes:
                state.Stream!.OnPayload(payload, unitStart, randomAccess);
                break;
            default:
                FeedPsi(state, payload, unitStart);
                break;
        }
    }

    /// <summary>Returns false for an allowed duplicate packet (to be skipped).</summary>
    /// <remarks>
    /// A duplicate is the same packet sent again (ISO 13818-1 2.4.3.3), so it must equal the previous one
    /// byte for byte: an input that restarts with the same counter (a looped file, a restarted encoder)
    /// is a continuity error, not a duplicate, and its packet is kept.
    /// </remarks>
    private bool CheckContinuity(PidState state, int cc, bool discontinuity, ReadOnlySpan<byte> packet)
    {
        var last = state.LastCc;
        state.LastCc = cc;
        var previous = state.LastPacket ??= new byte[TsConstants.PacketSize];
        var repeated = last >= 0 && packet.SequenceEqual(previous);
        packet.CopyTo(previous);
        if (last < 0 || discontinuity)
        {
            state.DuplicateSeen = false;
            return true;
        }
        if (cc == last && !state.DuplicateSeen && repeated)
        {
            state.DuplicateSeen = true;
            Stats.DuplicatePackets++;
            return false;
        }
        state.DuplicateSeen = false;
        if (cc != ((last + 1) & 0x0F))
        {
            state.ContinuityErrors++;
            Stats.ContinuityErrors++;
            if (state.Kind == PidKind.Pes) state.Stream!.OnDataLost();
            else state.SectionActive = false;
        }
        return true;
    }

    private void OnPcr(int pid, ReadOnlySpan<byte> pcr)
    {
        var pcrBase = ((long)pcr[0] << 25) | ((long)pcr[1] << 17) | ((long)pcr[2] << 9) | ((long)pcr[3] << 1) | (long)(pcr[4] >> 7);
        foreach (var program in _programs)
        {
            if (program.PcrPid == pid) program.LastPcr = program.Clock.Unwrap(pcrBase);
        }
    }
}
