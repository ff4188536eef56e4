using Sluice.Abstractions.Events;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>A published stream: frames come from one publisher at a time instead of a source loop.</summary>
internal sealed partial class MediaStream
{
    private StreamPublisher? _publisher;
    private long _publisherLeftMs = Environment.TickCount64;

    public bool HasPublisher
    {
        get { lock (_gate) return _publisher is not null; }
    }

    /// <summary>
    /// Attaches a publisher; null when the stream is stopped. A publisher that comes while another one is
    /// attached takes over (the OBS reconnect: the stale session has not noticed yet that its TCP connection
    /// died): the old one is ended, readers stay and continue with the new frames, and one
    /// <c>source_switch</c> (reason <c>takeover</c>) replaces the closing and opening events.
    /// </summary>
    public IStreamPublisher? AttachPublisher(PublisherInfo publisher)
    {
        EventField[] origin =
        [
            new("ip", publisher.Ip), new("proto", publisher.Protocol.Length == 0 ? null : publisher.Protocol),
            new("app", publisher.App), new("name", Name),
        ];
        var inlet = new StreamInlet(this, "publish://" + publisher.Ip) { Origin = origin };
        var next = new StreamPublisher(this, inlet);
        StreamPublisher? previous;
        lock (_gate)
        {
            if (_stopped) return null;
            previous = _publisher;
            _publisher = next;
        }
        Activate(inlet);
        if (previous is not null)
        {
            previous.End();
            Emit("source_switch", new EventField("from", previous.Inlet.Url), new EventField("to", inlet.Url), new EventField("reason", "takeover"));
            return next;
        }
        State = "starting";
        Emit("source_opened", [new EventField("url", inlet.Url), .. origin]);
        return next;
    }

    /// <summary>Emits <c>frames_timed_out</c> when the publisher sent nothing for <c>source_timeout</c> (it stays attached).</summary>
    public void CheckPublisherSilence()
    {
        StreamPublisher? p;
        lock (_gate) p = _publisher;
        if (p is null || !p.Inlet.Started || !IsActive(p.Inlet)) return;
        var timeoutMs = (long)_options.SourceTimeout.TotalMilliseconds;
        if (SilenceMs() > timeoutMs && MarkTimedOut())
            Emit("frames_timed_out", new EventField("url", p.Inlet.Url), new EventField("timeout_ms", timeoutMs));
    }

    /// <summary>True when the publisher left at least <paramref name="linger"/> ago and none came back.</summary>
    public bool UnpublishedFor(TimeSpan linger)
    {
        lock (_gate)
            return _publisher is null && Environment.TickCount64 - _publisherLeftMs >= (long)linger.TotalMilliseconds;
    }

    internal Task DetachAsync(StreamPublisher publisher, string reason)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_publisher, publisher)) return Task.CompletedTask;
            _publisher = null;
            _publisherLeftMs = Environment.TickCount64;
        }
        if (IsActive(publisher.Inlet)) Activate(null);
        publisher.End();
        if (State != "stopped") State = "waiting";
        Emit("source_closed", [new EventField("url", publisher.Inlet.Url), new EventField("reason", reason), .. publisher.Inlet.Origin]);
        return Task.CompletedTask;
    }

    private Task DetachPublisherAsync(string reason)
    {
        StreamPublisher? p;
        lock (_gate) p = _publisher;
        return p is null ? Task.CompletedTask : DetachAsync(p, reason);
    }
}

/// <summary>A publication: writes to the stream until disposed.</summary>
internal sealed class StreamPublisher(MediaStream stream, StreamInlet inlet) : IStreamPublisher
{
    private readonly CancellationTokenSource _ended = new();

    public StreamInlet Inlet { get; } = inlet;

    public CancellationToken Ended => _ended.Token;

    internal void End() => _ended.Cancel();

    public string StreamName => stream.Name;

    public void Connected() => Inlet.Connected();

    public void OnTrack(TrackInfo track) => Inlet.OnTrack(track);

    public void OnFrame(in MediaFrame frame) => Inlet.OnFrame(frame);

    public ValueTask DisposeAsync() => new(stream.DetachAsync(this, "unpublished"));
}
