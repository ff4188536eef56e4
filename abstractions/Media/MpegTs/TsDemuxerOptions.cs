namespace Sluice.Media.MpegTs;

/// <summary>Limits of a <see cref="TsDemuxer"/>.</summary>
public sealed record TsDemuxerOptions
{
    /// <summary>Largest PES (one video access unit) accepted; bigger ones are dropped and counted. Default 16 MiB.</summary>
    public int MaxFrameSize { get; init; } = 16 * 1024 * 1024;
}
