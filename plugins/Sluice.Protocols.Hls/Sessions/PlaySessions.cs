using Sluice.Abstractions.Access;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Sessions;

/// <summary>
/// Play and publish sessions through the host's <see cref="ISessionTracker"/> (when it offers one).
/// HLS is request/response, so its requests are grouped into one session per media, client IP and
/// User-Agent that closes after <see cref="HlsOptions.SessionIdleTimeout"/> without a request; a
/// connection-based delivery (MPEG-TS) opens a session per connection.
/// </summary>
internal sealed class PlaySessions(ISessionTracker? tracker, HlsOptions options) : IDisposable
{
    private readonly record struct Key(string Media, string Ip, string UserAgent);

    private readonly Lock _gate = new();
    private readonly Dictionary<Key, PlayViewer> _grouped = [];

    public int GroupedCount
    {
        get { lock (_gate) return _grouped.Count; }
    }

    /// <summary>A session for one connection, or null when the tracker refuses (max_sessions).</summary>
    public PlayViewer? Open(SessionKind kind, string media, string protocol, string ip, string? userAgent,
        IMediaStream? stream, Action<PlayViewer>? onClose = null)
    {
        ISession? session = null;
        if (tracker is not null)
        {
            session = tracker.TryOpen(kind, media, protocol, ip, userAgent);
            if (session is null) return null;
        }
        return new PlayViewer(session, stream?.AddViewer(), onClose);
    }

    /// <summary>
    /// The grouped HLS session of this client, opened on its first request; null when the tracker
    /// refuses a new one. A new session is authorized once by <paramref name="authorize"/> (its
    /// <see cref="PlayViewer.Authorization"/>); a refused one is closed, so the next request is a new session.
    /// </summary>
    public PlayViewer? Touch(string media, string ip, string? userAgent, IMediaStream? stream,
        Action<PlayViewer>? onOpen = null, Action<PlayViewer>? onClose = null, Func<PlayViewer, Task<AccessDecision>>? authorize = null)
    {
        var key = new Key(media, ip, userAgent ?? "");
        lock (_gate)
        {
            if (_grouped.TryGetValue(key, out var existing) && !existing.Closed)
            {
                existing.Touch();
                return existing;
            }
            var opened = Open(SessionKind.Play, media, "hls", ip, userAgent, stream, onClose);
            if (opened is null) return null;
            _grouped[key] = opened;
            if (authorize is not null) opened.Authorization = authorize(opened);
            onOpen?.Invoke(opened);
            return opened;
        }
    }

    /// <summary>Closes grouped sessions idle for longer than the timeout.</summary>
    public void Sweep()
    {
        var now = Environment.TickCount64;
        List<PlayViewer>? idle = null;
        lock (_gate)
        {
            foreach (var (key, viewer) in _grouped)
            {
                if (!viewer.Closed && now - viewer.LastSeen < options.SessionIdleTimeout.TotalMilliseconds) continue;
                (idle ??= []).Add(viewer);
                _grouped.Remove(key); // allowed while enumerating a Dictionary
            }
        }
        if (idle is null) return;
        foreach (var viewer in idle) viewer.Dispose();
    }

    public void Dispose()
    {
        PlayViewer[] all;
        lock (_gate)
        {
            all = [.. _grouped.Values];
            _grouped.Clear();
        }
        foreach (var viewer in all) viewer.Dispose();
    }
}
