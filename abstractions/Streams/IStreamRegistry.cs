using System.Threading.Channels;
using Sluice.Abstractions.Frames;

namespace Sluice.Abstractions.Streams;

/// <summary>
/// The host's streams, for protocol plugins (HLS, MPEG-TS over HTTP, ...) and the DVR.
/// Obtained from <c>IPluginBuilder.HostServices</c>.
/// </summary>
public interface IStreamRegistry
{
    /// <summary>Streams that exist now (configured, started on demand or published).</summary>
    IReadOnlyList<IMediaStream> Streams { get; }

    /// <summary>The stream by name, or null. Does not start anything.</summary>
    IMediaStream? Find(string name);

    /// <summary>
    /// The stream a viewer asks for: a running stream, an <c>ondemand</c> one started now, or null
    /// when the name is unknown.
    /// </summary>
    IMediaStream? OpenForViewer(string name);

    /// <summary>
    /// Starts publishing to <paramref name="name"/> when a <c>live PREFIX</c> allows it, or to a
    /// configured stream whose input is <c>publish://</c>; null when not allowed. A stream that is being
    /// published already is taken over by the new publisher (a reconnecting encoder replaces its stale
    /// session; readers stay and continue with the new frames); the old publisher's
    /// <see cref="IStreamPublisher.Ended"/> fires. Disposing the publisher ends the publication.
    /// </summary>
    IStreamPublisher? Publish(string name, string remoteAddress);

    /// <summary>
    /// <see cref="Publish(string, string)"/> with what the stream's source events should say about the
    /// publisher (<c>proto</c>, <c>app</c>). (Default for other implementations: the address only.)
    /// </summary>
    IStreamPublisher? Publish(string name, PublisherInfo publisher) => Publish(name, publisher.Ip);
}

/// <summary>Who publishes a stream, as its <c>source_opened</c> ... <c>source_closed</c> events tell it.</summary>
/// <param name="Ip">The publisher's address.</param>
/// <param name="Protocol">The protocol it publishes with (<c>rtmp</c>, <c>rtmps</c>, <c>mpegts</c>).</param>
public sealed record PublisherInfo(string Ip, string Protocol)
{
    /// <summary>The application it named (RTMP's <c>app</c>), if the protocol has one.</summary>
    public string? App { get; init; }
}

/// <summary>A stream as its readers see it.</summary>
public interface IMediaStream
{
    string Name { get; }

    /// <summary>True when frames are flowing (a source started and has not timed out).</summary>
    bool IsProducing { get; }

    /// <summary>The tracks as of now.</summary>
    IReadOnlyList<TrackInfo> Tracks { get; }

    /// <summary>
    /// Adds a reader: it gets the frames from the last keyframe on, through a bounded buffer of its
    /// own; when it falls behind, frames are dropped up to the next keyframe and counted, so a slow
    /// reader never delays the source or other readers. Dispose the reader to leave.
    /// </summary>
    IStreamReader Subscribe(StreamReaderOptions? options = null);

    /// <summary>Counts a viewer for <c>clients_timeout</c> of on-demand streams and the API; dispose to leave.</summary>
    IDisposable AddViewer();

    /// <summary>
    /// How segmenting protocols (HLS) cut this stream, from its <c>segment_duration</c> and <c>segment_count</c>;
    /// what is null is the protocol's default. Read it when a segmenter starts: a reload may change it.
    /// </summary>
    SegmentSettings Segments => SegmentSettings.Default;
}

/// <summary>A stream's <c>segment_duration</c> (target segment length) and <c>segment_count</c> (segments listed).</summary>
public sealed record SegmentSettings(TimeSpan? Duration = null, int? Count = null)
{
    public static readonly SegmentSettings Default = new();
}

public sealed record StreamReaderOptions
{
    /// <summary>Frames buffered for this reader before it drops to the next keyframe.</summary>
    public int Capacity { get; init; } = 2048;

    /// <summary>Start with the buffered frames since the last keyframe (true) or with the next keyframe (false).</summary>
    public bool FromLastKeyframe { get; init; } = true;

    /// <summary>
    /// Whether this reader keeps an <c>ondemand</c> stream running like a viewer (true), or only reads while
    /// it runs anyway (false: an archive or a thumbnailer must not keep a camera on).
    /// </summary>
    public bool KeepsStreamAlive { get; init; } = true;
}

/// <summary>One reader of a stream.</summary>
public interface IStreamReader : IAsyncDisposable
{
    /// <summary>
    /// Frames for this reader, each retained for it: call <see cref="MediaFrame.Release"/> when done.
    /// Completes when the stream stops.
    /// </summary>
    ChannelReader<MediaFrame> Frames { get; }

    /// <summary>Tracks of the frames being read (changes are visible before the frames that need them).</summary>
    IReadOnlyList<TrackInfo> Tracks { get; }

    /// <summary>Frames dropped because this reader was too slow.</summary>
    long Dropped { get; }
}

/// <summary>A publication in progress (e.g. MPEG-TS pushed by HTTP PUT). Dispose to end it.</summary>
public interface IStreamPublisher : ISourceOutput, IAsyncDisposable
{
    string StreamName { get; }

    /// <summary>
    /// Cancelled when the host ended the publication (the stream was stopped over the API, removed by a
    /// reload, or the server stops): frames are no longer taken, so the publisher should hang up and dispose.
    /// (Default for other implementations, e.g. test doubles: never.)
    /// </summary>
    CancellationToken Ended => CancellationToken.None;
}
