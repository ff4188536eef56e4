using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Streams;
using ISession = Sluice.Abstractions.Streams.ISession;

namespace Sluice.Dvr.Playback;

/// <summary>One client's play session of an archive: its tracker session (when the host tracks them), bytes sent, when it was last seen.</summary>
internal sealed class ArchiveViewer(ISession? session, TimeProvider time) : IDisposable
{
    private long _lastSeen = time.GetTimestamp();
    private int _started;
    private int _closed;

    public string? SessionId => session?.Id;

    public bool Closed => Volatile.Read(ref _closed) != 0;

    public TimeSpan Idle => time.GetElapsedTime(Interlocked.Read(ref _lastSeen));

    public void Touch() => Interlocked.Exchange(ref _lastSeen, time.GetTimestamp());

    public void AddBytes(long bytes)
    {
        if (bytes <= 0) return;
        if (Interlocked.Exchange(ref _started, 1) == 0) session?.Started();
        session?.AddBytes(bytes);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0) session?.Dispose();
    }
}

/// <summary>
/// Who may play an archive, asked the way live play is asked: a session through the host's
/// <see cref="ISessionTracker"/> (<c>max_sessions</c>, play events), then the host's <see cref="IAccessAuthorizer"/>
/// once for that session (none offered: no rules). Playlists and fragments of one client (media, address,
/// User-Agent) share one session that closes when idle, as HLS does; an export is a session of its own.
/// </summary>
internal sealed class PlaybackGate(ISessionTracker? tracker, Func<IAccessAuthorizer?> authorizer, DvrSettings settings, TimeProvider time, ILogger log)
    : IDisposable
{
    public const string Protocol = "dvr";

    private readonly record struct Key(string Media, string Ip, string UserAgent);

    private readonly Lock _gate = new();
    private readonly Dictionary<Key, Task<(ArchiveViewer? Viewer, int Status, string Reason)>> _grouped = [];

    /// <summary>The grouped session of this client, opened (and authorized) on its first request; null after a refusal was replied.</summary>
    public async Task<ArchiveViewer?> TouchAsync(HttpContext http, string media)
    {
        var key = new Key(media, ClientIp(http), UserAgent(http) ?? "");
        Task<(ArchiveViewer?, int, string)> opening;
        lock (_gate)
        {
            if (!_grouped.TryGetValue(key, out opening!) || (opening.IsCompletedSuccessfully && opening.Result.Item1 is not { Closed: false }))
            {
                opening = OpenAsync(http, media);
                _grouped[key] = opening;
            }
        }
        var (viewer, status, reason) = await opening.ConfigureAwait(false);
        if (viewer is null)
        {
            lock (_gate)
            {
                if (_grouped.TryGetValue(key, out var current) && current == opening) _grouped.Remove(key);
            }
            await Replies.TextAsync(http, status, reason).ConfigureAwait(false);
            return null;
        }
        viewer.Touch();
        return viewer;
    }

    /// <summary>A session for one connection (an export); null after a refusal was replied. Dispose it when done.</summary>
    public async Task<ArchiveViewer?> OpenOwnAsync(HttpContext http, string media)
    {
        var (viewer, status, reason) = await OpenAsync(http, media).ConfigureAwait(false);
        if (viewer is null) await Replies.TextAsync(http, status, reason).ConfigureAwait(false);
        return viewer;
    }

    /// <summary>Asks the authorizer about a request that opens no session (recording_status.json); false after a refusal was replied.</summary>
    public async Task<bool> AllowAsync(HttpContext http, string media)
    {
        var decision = await AskAsync(http, media, "status-" + Guid.NewGuid().ToString("N")).ConfigureAwait(false);
        if (decision.Allowed) return true;
        log.LogInformation("dvr {Stream}: status refused to {Ip}: {Reason}", media, ClientIp(http), decision.Reason);
        await Replies.TextAsync(http, StatusCodes.Status403Forbidden, "access denied").ConfigureAwait(false);
        return false;
    }

    private async Task<(ArchiveViewer?, int, string)> OpenAsync(HttpContext http, string media)
    {
        var ip = ClientIp(http);
        ISession? session = null;
        if (tracker is not null)
        {
            session = tracker.TryOpen(SessionKind.Play, media, Protocol, ip, UserAgent(http));
            if (session is null) return (null, StatusCodes.Status503ServiceUnavailable, "max_sessions reached");
        }
        var viewer = new ArchiveViewer(session, time);
        AccessDecision decision;
        try
        {
            decision = await AskAsync(http, media, session?.Id ?? Guid.NewGuid().ToString("N")).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning("dvr {Stream}: authorization of {Ip} failed: {Error}", media, ip, e.Message);
            decision = AccessDecision.Deny("authorization failed");
        }
        if (decision.Allowed) return (viewer, 0, "");
        viewer.Dispose();
        log.LogInformation("dvr {Stream}: playback refused to {Ip}: {Reason}", media, ip, decision.Reason);
        return (null, StatusCodes.Status403Forbidden, "access denied");
    }

    private async Task<AccessDecision> AskAsync(HttpContext http, string media, string sessionId)
    {
        if (authorizer() is not { } access) return AccessDecision.Allow;
        var request = new AccessRequest
        {
            Kind = AccessKind.Play,
            Name = media,
            Protocol = Protocol,
            Ip = ClientIp(http),
            SessionId = sessionId,
            Query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : "",
            UserAgent = UserAgent(http),
            Referer = http.Request.Headers.Referer is { Count: > 0 } r ? r.ToString() : null,
        };
        return await access.AuthorizeAsync(request, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Closes grouped sessions idle for longer than the timeout.</summary>
    public void Sweep()
    {
        List<ArchiveViewer> idle = [];
        lock (_gate)
        {
            foreach (var (key, task) in _grouped)
            {
                if (!task.IsCompletedSuccessfully) continue;
                var viewer = task.Result.Item1;
                if (viewer is not null && !viewer.Closed && viewer.Idle < settings.SessionIdleTimeout) continue;
                if (viewer is not null) idle.Add(viewer);
                _grouped.Remove(key);
            }
        }
        foreach (var viewer in idle) viewer.Dispose();
    }

    public void Dispose()
    {
        List<ArchiveViewer> all = [];
        lock (_gate)
        {
            foreach (var task in _grouped.Values)
            {
                if (task.IsCompletedSuccessfully && task.Result.Item1 is { } v) all.Add(v);
            }
            _grouped.Clear();
        }
        foreach (var viewer in all) viewer.Dispose();
    }

    public static string ClientIp(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "";

    public static string? UserAgent(HttpContext http) =>
        http.Request.Headers.UserAgent is { Count: > 0 } agent ? agent.ToString() : null;
}
