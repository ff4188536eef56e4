using Sluice.Abstractions.Events;
using Sluice.Host.Events;

namespace Sluice.Host.Streams;

/// <summary>The events of one stream, each named by its catalog constant (<see cref="EventNames"/>).</summary>
internal sealed class StreamEvents(IEventEmitter emitter, string stream)
{
    public void Started() => Emit(EventNames.StreamStarted);

    public void Stopped(string reason) => Emit(EventNames.StreamStopped, new EventField("reason", reason));

    public void Reconfigured() => Emit(EventNames.StreamReconfigured);

    public void MediaInfo(MediaInfo info) => Emit(EventNames.StreamMediaInfo, info.ToFields());

    public void Backup(string file) => Emit(EventNames.StreamBackup, new EventField("file", file));

    public void BrokenSource(string? url, string error, TimeSpan retryIn) =>
        Emit(EventNames.StreamBrokenSource, new EventField("url", url), new EventField("error", error),
            new EventField("retry_in_ms", (long)retryIn.TotalMilliseconds));

    public void SourceOpened(string url) => Emit(EventNames.SourceOpened, new EventField("url", url));

    public void SourceOpened(string url, string ip) => Emit(EventNames.SourceOpened, new EventField("url", url), new EventField("ip", ip));

    public void SourceConnected(string url) => Emit(EventNames.SourceConnected, new EventField("url", url));

    public void SourceStarted(string url) => Emit(EventNames.SourceStarted, new EventField("url", url));

    public void SourceClosed(string url, string reason, string? error = null) =>
        Emit(EventNames.SourceClosed, new EventField("url", url), new EventField("reason", reason), new EventField("error", error));

    public void SourceClosedByPublisher(string url, string reason) =>
        Emit(EventNames.SourceClosed, new EventField("url", url), new EventField("reason", reason));

    public void SourceSwitch(string from, string to, string reason) =>
        Emit(EventNames.SourceSwitch, new EventField("from", from), new EventField("to", to), new EventField("reason", reason));

    public void FramesTimedOut(string url, TimeSpan timeout) =>
        Emit(EventNames.FramesTimedOut, new EventField("url", url), new EventField("timeout_ms", (long)timeout.TotalMilliseconds));

    public void FramesRestored(string url) => Emit(EventNames.FramesRestored, new EventField("url", url));

    /// <summary><c>POST /api/v1/streams/NAME/stop</c> was received for <paramref name="name"/>.</summary>
    public static void StopRequested(IEventEmitter emitter, string name) => emitter.Emit(new EventDraft(EventNames.StreamStop) { Media = name });

    private void Emit(string name, params EventField[] fields) => emitter.Emit(new EventDraft(name) { Media = stream, Fields = fields });
}
