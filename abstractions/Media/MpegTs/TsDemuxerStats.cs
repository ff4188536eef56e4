namespace Sluice.Media.MpegTs;

/// <summary>Counters of a <see cref="TsDemuxer"/>: what it read and what it had to skip.</summary>
public sealed class TsDemuxerStats
{
    /// <summary>Bytes fed.</summary>
    public long Bytes { get; internal set; }
    /// <summary>Transport packets processed.</summary>
    public long Packets { get; internal set; }
    /// <summary>Times the demuxer lost the 0x47 sync and searched for it.</summary>
    public long SyncLosses { get; internal set; }
    /// <summary>Bytes skipped while searching for sync.</summary>
    public long SkippedBytes { get; internal set; }
    /// <summary>Packets with transport_error_indicator set (skipped).</summary>
    public long TransportErrors { get; internal set; }
    /// <summary>Continuity counter jumps on all PIDs (see <see cref="TsDemuxer.GetContinuityErrors"/>).</summary>
    public long ContinuityErrors { get; internal set; }
    /// <summary>Repeated packets (same continuity counter) skipped as allowed duplicates.</summary>
    public long DuplicatePackets { get; internal set; }
    /// <summary>Malformed packets (reserved adaptation_field_control, impossible adaptation field length) or scrambled ones.</summary>
    public long MalformedPackets { get; internal set; }
    /// <summary>PSI sections rejected (bad CRC, bad length).</summary>
    public long PsiErrors { get; internal set; }
    /// <summary>PES packets rejected (bad start code, header, truncated, too large).</summary>
    public long PesErrors { get; internal set; }
    /// <summary>Resyncs inside audio PES payloads (bytes that were not an ADTS/MPEG audio frame).</summary>
    public long AudioSyncErrors { get; internal set; }
    /// <summary>Frames delivered to the sink.</summary>
    public long Frames { get; internal set; }
}
