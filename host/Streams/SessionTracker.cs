using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;
using Sluice.Host.Events;

namespace Sluice.Host.Streams;

/// <summary>
/// Counts sessions against <c>max_sessions</c> and emits their events: <c>session_opened</c>, then
/// <c>play_opened</c> / <c>play_connected</c> / <c>play_started</c> / <c>play_closed</c> (or <c>publish_started</c> /
/// <c>publish_stopped</c>), then <c>session_closed</c> with bytes and duration: the typed emitter of session events
/// (names from <see cref="EventNames"/>).
/// </summary>
internal sealed class SessionTracker(IEventEmitter events, TimeProvider? time = null) : ISessionTracker
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _open;
    private long _nextId;
    private volatile int _max = int.MaxValue;

    /// <summary><c>max_sessions</c> in force (null: unlimited).</summary>
    public int? MaxSessions
    {
        get => _max == int.MaxValue ? null : _max;
        set => _max = value ?? int.MaxValue;
    }

    public int Open => Volatile.Read(ref _open);

    public ISession? TryOpen(SessionKind kind, string media, string protocol, string ip, string? userAgent)
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= _max) return null;
            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open) break;
        }
        var session = new Session(this, kind, media, protocol, ip, userAgent, Interlocked.Increment(ref _nextId).ToString("x8"));
        session.Emit(EventNames.SessionOpened);
        if (kind == SessionKind.Play) session.Emit(EventNames.PlayOpened);
        return session;
    }

    private sealed class Session(SessionTracker tracker, SessionKind kind, string media, string protocol, string ip, string? userAgent, string id) : ISession
    {
        private readonly long _opened = tracker._time.GetTimestamp();
        private long _bytes;
        private int _connected;
        private int _started;
        private int _closed;

        public string Id { get; } = id;

        public void Connected()
        {
            if (kind == SessionKind.Play && Interlocked.Exchange(ref _connected, 1) == 0) Emit(EventNames.PlayConnected);
        }

        public void Started()
        {
            if (Interlocked.Exchange(ref _started, 1) == 0) Emit(kind == SessionKind.Play ? EventNames.PlayStarted : EventNames.PublishStarted);
        }

        public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            Interlocked.Decrement(ref tracker._open);
            if (kind == SessionKind.Play) Emit(EventNames.PlayClosed);
            else if (Volatile.Read(ref _started) == 1) Emit(EventNames.PublishStopped);
            Emit(EventNames.SessionClosed);
        }

        public void Emit(string name) => tracker.Emit(name, media,
        [
            new("session_id", Id), new("ip", ip), new("user_agent", userAgent), new("protocol", protocol), new("proto", protocol),
            new("type", kind == SessionKind.Play ? "play" : "publish"),
            new("bytes", Interlocked.Read(ref _bytes)), new("duration_ms", (long)tracker._time.GetElapsedTime(_opened).TotalMilliseconds),
        ]);
    }

    private void Emit(string name, string media, EventField[] fields) =>
        events.Emit(new EventDraft(name) { Media = media, Fields = fields });
}
