using System.Collections.Concurrent;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>A real session tracker with a max_sessions limit, recording what happened to each session.</summary>
internal sealed class TestSessionTracker : ISessionTracker
{
    private int _open;
    private int _nextId;

    public int MaxSessions { get; set; } = int.MaxValue;

    public int Open => Volatile.Read(ref _open);

    public ConcurrentQueue<TestSession> All { get; } = new();

    public ISession? TryOpen(SessionKind kind, string media, string protocol, string ip, string? userAgent)
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= MaxSessions) return null;
            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open) break;
        }
        var session = new TestSession(this, $"s{Interlocked.Increment(ref _nextId)}", kind, media, protocol, ip, userAgent);
        All.Enqueue(session);
        return session;
    }

    internal sealed class TestSession(TestSessionTracker tracker, string id, SessionKind kind, string media, string protocol, string ip, string? userAgent) : ISession
    {
        private long _bytes;
        private int _closed;

        public string Id { get; } = id;
        public SessionKind Kind { get; } = kind;
        public string Media { get; } = media;
        public string Protocol { get; } = protocol;
        public string Ip { get; } = ip;
        public string? UserAgent { get; } = userAgent;
        public int StartedCalls;
        public long Bytes => Interlocked.Read(ref _bytes);
        public bool Closed => Volatile.Read(ref _closed) != 0;

        public void Started() => Interlocked.Increment(ref StartedCalls);

        public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) Interlocked.Decrement(ref tracker._open);
        }
    }
}
