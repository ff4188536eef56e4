namespace Sluice.Media.MpegTs;

internal enum PidKind : byte { Pat, Pmt, Pes }

/// <summary>Per-PID demuxer state: continuity tracking plus PSI section or PES assembly.</summary>
internal sealed class PidState
{
    public PidState(PidKind kind) => Kind = kind;

    public PidKind Kind { get; }
    public int LastCc = -1;
    public bool DuplicateSeen;
    public byte[]? LastPacket;      // the previous packet, to tell a true duplicate from a restart
    public long ContinuityErrors;

    // PSI section assembly (PAT/PMT PIDs).
    public byte[]? Section;
    public int SectionFill;
    public bool SectionActive;
    public uint LastSectionCrc;
    public bool HasLastSectionCrc;

    // PES assembly (elementary PIDs).
    public ElementaryStream? Stream;
}
