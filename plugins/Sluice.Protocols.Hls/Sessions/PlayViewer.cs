using Sluice.Abstractions.Access;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Sessions;

/// <summary>
/// One client of one stream or file: its tracker session (when the host tracks sessions), its viewer
/// count on the stream, and what happens when it closes. Disposing closes it once.
/// </summary>
internal sealed class PlayViewer(ISession? session, IDisposable? viewerCount, Action<PlayViewer>? onClose = null) : IDisposable
{
    private long _lastSeen = Environment.TickCount64;
    private long _bytes;
    private int _started;
    private int _closed;

    public string? SessionId => session?.Id;

    /// <summary>The session's authorization (asked once, when it opened); every request of the session waits for it.</summary>
    public Task<AccessDecision> Authorization { get; set; } = Task.FromResult(AccessDecision.Allow);

    /// <summary>The session was authorized: emits <c>play_connected</c>.</summary>
    public void Connected() => session?.Connected();

    public long Bytes => Interlocked.Read(ref _bytes);

    public long LastSeen => Interlocked.Read(ref _lastSeen);

    public bool Closed => Volatile.Read(ref _closed) != 0;

    public void Touch() => Interlocked.Exchange(ref _lastSeen, Environment.TickCount64);

    /// <summary>Counts bytes sent (or received); the first ones mark the session started.</summary>
    public void AddBytes(long bytes)
    {
        if (bytes <= 0) return;
        if (Interlocked.Exchange(ref _started, 1) == 0) session?.Started();
        session?.AddBytes(bytes);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        viewerCount?.Dispose();
        session?.Dispose();
        onClose?.Invoke(this);
    }
}
