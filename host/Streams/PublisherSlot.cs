using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// A published stream's source: one publisher at a time (HTTP PUT, RTMP publish...) writes through its inlet;
/// when it leaves, the stream waits for the next one and the registry removes it after <c>PublishedLinger</c>.
/// </summary>
internal sealed class PublisherSlot(MediaStream stream)
{
    private readonly object _lock = new();
    private StreamPublisher? _publisher;
    private long _leftAt = stream.Time.GetTimestamp();

    public bool Attached
    {
        get { lock (_lock) return _publisher is not null; }
    }

    /// <summary>Attaches a publisher; null when the stream is stopped or already has one.</summary>
    public IStreamPublisher? Attach(string remoteAddress)
    {
        var inlet = new StreamInlet(stream, "publish://" + remoteAddress);
        var publisher = new StreamPublisher(this, stream.Name, inlet);
        lock (_lock)
        {
            if (stream.IsStopped || _publisher is not null) return null;
            _publisher = publisher;
        }
        stream.Activate(inlet);
        stream.State = StreamState.Starting;
        stream.Events.SourceOpened(inlet.Url, remoteAddress);
        return publisher;
    }

    /// <summary>Emits <c>frames_timed_out</c> when the publisher sent nothing for <c>source_timeout</c> (it stays attached).</summary>
    public void CheckSilence()
    {
        StreamPublisher? p;
        lock (_lock) p = _publisher;
        if (p is null || !p.Inlet.Started || !stream.IsActive(p.Inlet)) return;
        var timeout = stream.Options.SourceTimeout;
        if (stream.Silence() > timeout && stream.MarkTimedOut()) stream.Events.FramesTimedOut(p.Inlet.Url, timeout);
    }

    /// <summary>True when the publisher left at least <paramref name="linger"/> ago and none came back.</summary>
    public bool UnpublishedFor(TimeSpan linger)
    {
        lock (_lock) return _publisher is null && stream.Time.GetElapsedTime(_leftAt) >= linger;
    }

    internal Task DetachAsync(StreamPublisher publisher, string reason)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_publisher, publisher)) return Task.CompletedTask;
            _publisher = null;
            _leftAt = stream.Time.GetTimestamp();
        }
        if (stream.IsActive(publisher.Inlet)) stream.Activate(null);
        publisher.End();
        if (stream.State != StreamState.Stopped) stream.State = StreamState.Waiting;
        stream.Events.SourceClosedByPublisher(publisher.Inlet.Url, reason);
        return Task.CompletedTask;
    }

    /// <summary>The stream stops: the publisher (if any) is told to hang up.</summary>
    public Task DetachAsync(string reason)
    {
        StreamPublisher? p;
        lock (_lock) p = _publisher;
        return p is null ? Task.CompletedTask : DetachAsync(p, reason);
    }
}

/// <summary>A publication: writes to the stream until disposed.</summary>
internal sealed class StreamPublisher(PublisherSlot slot, string streamName, StreamInlet inlet) : IStreamPublisher
{
    private readonly CancellationTokenSource _ended = new();

    public StreamInlet Inlet { get; } = inlet;

    public CancellationToken Ended => _ended.Token;

    internal void End() => _ended.Cancel();

    public string StreamName => streamName;

    public void Connected() => Inlet.Connected();

    public void OnTrack(TrackInfo track) => Inlet.OnTrack(track);

    public void OnFrame(in MediaFrame frame) => Inlet.OnFrame(frame);

    public ValueTask DisposeAsync() => new(slot.DetachAsync(this, "unpublished"));
}
