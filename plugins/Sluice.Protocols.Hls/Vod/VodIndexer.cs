using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Protocols.Hls.Vod;

/// <summary>
/// Reads a transport stream once with <see cref="TsDemuxer"/> and finds where segments can start:
/// the byte offset of the PES that carries each keyframe (video keyframes, or audio frames when
/// there is no video), with its DTS. Segments are cut at the first such point at least the target
/// duration after the previous cut. Also keeps the first PAT and PMT packets, marked
/// discontinuous, to put in front of every segment.
/// </summary>
internal sealed class VodIndexer : IFrameSink
{
    private const int Packet = TsConstants.PacketSize;

    private readonly long _targetTicks;
    private readonly Dictionary<int, long> _pesStart = [];
    private readonly List<(long Offset, long Dts)> _cuts = [];
    private bool _hasVideo;
    private int _cutTrack = -1;
    private int _pusiPid = -1;
    private long _previousPesStart;
    private long _firstDts = long.MinValue, _lastDts, _lastInterval;
    private int _pmtPid = -1;
    private byte[]? _pat, _pmt;

    private VodIndexer(long targetTicks) => _targetTicks = targetTicks;

    public static VodIndex Build(string cachedFile, long targetTicks)
    {
        var indexer = new VodIndexer(targetTicks);
        using var demuxer = new TsDemuxer(indexer);
        using var file = new FileStream(cachedFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var buffer = new byte[Packet * 512];
        long offset = 0;
        int read;
        var filled = 0;
        while ((read = file.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            filled += read;
            var whole = filled - filled % Packet;
            for (var position = 0; position < whole; position += Packet)
            {
                indexer.BeforePacket(buffer.AsSpan(position, Packet), offset + position);
                demuxer.Feed(buffer.AsSpan(position, Packet));
            }
            offset += whole;
            buffer.AsSpan(whole, filled - whole).CopyTo(buffer);
            filled -= whole;
        }
        indexer._pusiPid = -1;
        demuxer.Flush();
        return indexer.Finish(cachedFile, file.Length);
    }

    public void OnTrack(TrackInfo track)
    {
        if (track.Kind == MediaKind.Video && !_hasVideo)
        {
            _hasVideo = true;
            _cutTrack = track.TrackId;
        }
        else if (track.Kind == MediaKind.Audio && _cutTrack < 0)
        {
            _cutTrack = track.TrackId;
        }
    }

    public void OnFrame(in MediaFrame frame)
    {
        if (frame.TrackId != _cutTrack) return;
        // An unbounded PES is emitted when the next one starts on the same PID: it began at the previous start.
        var start = _pusiPid == frame.TrackId ? _previousPesStart : _pesStart.GetValueOrDefault(frame.TrackId);
        if (_firstDts == long.MinValue)
        {
            _firstDts = frame.Dts;
            _lastDts = frame.Dts;
        }
        else if (frame.Dts > _lastDts)
        {
            _lastInterval = Math.Min(frame.Dts - _lastDts, 90_000);
            _lastDts = frame.Dts;
        }
        if (!frame.IsKeyframe) return;
        if (_cuts.Count == 0 || frame.Dts - _cuts[^1].Dts >= _targetTicks) _cuts.Add((start, frame.Dts));
    }

    private void BeforePacket(ReadOnlySpan<byte> packet, long offset)
    {
        _pusiPid = -1;
        if (packet[0] != TsConstants.SyncByte) return;
        var pid = ((packet[1] & 0x1F) << 8) | packet[2];
        var unitStart = (packet[1] & 0x40) != 0;
        if (pid == TsConstants.PatPid && unitStart && _pat is null)
        {
            _pat = Discontinuous(packet);
            _pmtPid = PmtPidOf(packet);
        }
        else if (pid == _pmtPid && unitStart && _pmt is null)
        {
            _pmt = Discontinuous(packet);
        }
        if (!unitStart) return;
        _previousPesStart = _pesStart.GetValueOrDefault(pid);
        _pesStart[pid] = offset;
        _pusiPid = pid;
    }

    private VodIndex Finish(string cachedFile, long length)
    {
        if (_cuts.Count == 0) throw new InvalidDataException("the file has no keyframe that HLS segments could start at");
        var segments = new List<VodSegment>(_cuts.Count);
        for (var i = 0; i < _cuts.Count; i++)
        {
            var offset = i == 0 ? 0 : _cuts[i].Offset;
            var end = i + 1 < _cuts.Count ? _cuts[i + 1].Offset : length;
            var endDts = i + 1 < _cuts.Count ? _cuts[i + 1].Dts : _lastDts + _lastInterval;
            segments.Add(new VodSegment(offset, end - offset, Math.Max(endDts - _cuts[i].Dts, 1) / 90_000.0));
        }
        byte[] prefix = [.. _pat ?? [], .. _pmt ?? []];
        return new VodIndex
        {
            CachedFile = cachedFile,
            FileLength = length,
            Segments = segments,
            TablesPrefix = prefix,
            Playlist = VodPlaylist.Build(segments),
        };
    }

    /// <summary>PMT PID of the first program of a PAT packet (the section fits one packet in files ffmpeg writes).</summary>
    private static int PmtPidOf(ReadOnlySpan<byte> packet)
    {
        var offset = 4;
        if ((packet[3] & 0x20) != 0) offset += 1 + packet[4];
        if (offset >= Packet) return -1;
        offset += 1 + packet[offset]; // pointer_field
        if (offset + 8 >= Packet) return -1;
        var sectionLength = ((packet[offset + 1] & 0x0F) << 8) | packet[offset + 2];
        var end = Math.Min(offset + 3 + sectionLength - 4, Packet);
        for (var entry = offset + 8; entry + 4 <= end; entry += 4)
        {
            var program = (packet[entry] << 8) | packet[entry + 1];
            if (program != 0) return ((packet[entry + 2] & 0x1F) << 8) | packet[entry + 3];
        }
        return -1;
    }

    /// <summary>
    /// A copy of a PSI packet with the discontinuity indicator set, so a player that reads segments
    /// back to back does not count the repeated tables as lost packets. The section moves two bytes
    /// to make room for the adaptation field; only trailing stuffing is lost, else the copy is unchanged.
    /// </summary>
    private static byte[] Discontinuous(ReadOnlySpan<byte> packet)
    {
        var copy = packet.ToArray();
        var hasAdaptation = (packet[3] & 0x20) != 0;
        if (hasAdaptation || packet[186] != 0xFF || packet[187] != 0xFF) return copy;
        copy[3] = (byte)(0x30 | (packet[3] & 0xCF));
        copy[4] = 1;
        copy[5] = 0x80;
        packet[4..186].CopyTo(copy.AsSpan(6));
        return copy;
    }
}
