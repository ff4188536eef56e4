namespace Sluice.Media.MpegTs;

/// <summary>Settings of a <see cref="TsMuxer"/>.</summary>
public sealed record TsMuxerOptions
{
    /// <summary>transport_stream_id written in the PAT.</summary>
    public int TransportStreamId { get; init; } = 1;

    /// <summary>program_number of the single program.</summary>
    public int ProgramNumber { get; init; } = 1;

    /// <summary>PID of the PMT.</summary>
    public int PmtPid { get; init; } = 0x1000;

    /// <summary>PID of the first track; the next tracks take the following PIDs.</summary>
    public int FirstTrackPid { get; init; } = 0x100;

    /// <summary>PAT/PMT are repeated at every video keyframe and at least this often (90 kHz ticks, default 100 ms).</summary>
    public long PsiInterval { get; init; } = 9_000;

    /// <summary>How far the PCR lags behind the DTS it is sent with (90 kHz ticks, default 700 ms like ffmpeg); clamped at 0.</summary>
    public long PcrDelay { get; init; } = 63_000;

    /// <summary>Prefix H.264/H.265 access units with an access unit delimiter when they lack one (HLS players expect it).</summary>
    public bool InsertAccessUnitDelimiters { get; init; } = true;

    /// <summary>Put the track's SPS/PPS (and VPS) in front of keyframes that do not carry them (sources such as RTMP keep them out of band).</summary>
    public bool InsertParameterSets { get; init; } = true;
}
