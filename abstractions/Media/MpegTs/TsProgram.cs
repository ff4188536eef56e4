namespace Sluice.Media.MpegTs;

/// <summary>A program announced in the PAT, as the demuxer knows it.</summary>
public sealed class TsProgram
{
    internal TsProgram(int programNumber, int pmtPid)
    {
        ProgramNumber = programNumber;
        PmtPid = pmtPid;
    }

    /// <summary>program_number from the PAT.</summary>
    public int ProgramNumber { get; }

    /// <summary>PID carrying this program's PMT.</summary>
    public int PmtPid { get; internal set; }

    /// <summary>PCR PID from the PMT (-1 until the PMT was read).</summary>
    public int PcrPid { get; internal set; } = -1;

    /// <summary>Last program clock reference base, 90 kHz ticks on the program's unwrapped timeline (null before the first).</summary>
    public long? LastPcr { get; internal set; }

    /// <summary>Elementary PIDs (track ids) of the program's supported streams.</summary>
    public IReadOnlyList<int> TrackIds => Tracks;

    internal List<int> Tracks { get; } = [];

    internal TimestampUnwrapper Clock { get; } = new();

    internal uint PmtCrc { get; set; }
}
