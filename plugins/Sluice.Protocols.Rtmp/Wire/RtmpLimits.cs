namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>
/// What a peer may ask of a connection before it is closed: bounds on chunk size, message length,
/// chunk streams and partly received data, so memory follows what a peer really sends and stays bounded.
/// </summary>
internal sealed record RtmpLimits
{
    /// <summary>Largest chunk size a peer may set (16 MiB: a whole message in one chunk).</summary>
    public int MaxChunkSize { get; init; } = 0xFFFFFF;

    /// <summary>Longest message (a 4K keyframe is a few MB).</summary>
    public int MaxMessageLength { get; init; } = 8 << 20;

    /// <summary>Chunk streams a peer may use at once (publishers use 3 to 6).</summary>
    public int MaxChunkStreams { get; init; } = 64;

    /// <summary>Bytes of messages received in part, over every chunk stream.</summary>
    public int MaxPendingBytes { get; init; } = 16 << 20;

    /// <summary>Time for the handshake and the first command (<c>connect</c>).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public static readonly RtmpLimits Default = new();
}
