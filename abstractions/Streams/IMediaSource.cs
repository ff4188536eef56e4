using Sluice.Abstractions.Frames;

namespace Sluice.Abstractions.Streams;

/// <summary>
/// One attempt at reading an input: connect, then deliver tracks and frames until the input ends
/// (return), fails (throw), or the stream stops it (cancellation). The stream decides about
/// retries, failover and timeouts; a source never retries on its own.
/// </summary>
public interface IMediaSource : IAsyncDisposable
{
    Task RunAsync(ISourceOutput output, CancellationToken cancellationToken);
}

/// <summary>Where a source (or a publisher) delivers. Frames are borrowed: see <see cref="IFrameSink.OnFrame"/>.</summary>
public interface ISourceOutput : IFrameSink
{
    /// <summary>The connection is established (the stream emits <c>source_connected</c>).</summary>
    void Connected();
}
