namespace Sluice.Abstractions.Streams;

public enum SessionKind { Play, Publish }

/// <summary>
/// Viewer and publisher sessions: enforces <c>max_sessions</c> and emits <c>session_opened</c>,
/// <c>play_opened</c>/<c>play_started</c>/<c>play_closed</c> (or the publish ones) and <c>session_closed</c>.
/// Obtained from <c>IPluginBuilder.HostServices</c>.
/// </summary>
public interface ISessionTracker
{
    /// <summary>Opens a session, or returns null when <c>max_sessions</c> is reached.</summary>
    ISession? TryOpen(SessionKind kind, string media, string protocol, string ip, string? userAgent);
}

/// <summary>An open session; dispose closes it (emitting the closing events with bytes and duration).</summary>
public interface ISession : IDisposable
{
    string Id { get; }

    /// <summary>
    /// The client is connected and its request accepted (authorized, stream found): emits <c>play_connected</c>
    /// once for a play session. (Default for other implementations: nothing.)
    /// </summary>
    void Connected() { }

    /// <summary>Media started flowing to (or from) the client: emits <c>play_started</c> once.</summary>
    void Started();

    /// <summary>Counts bytes sent to (or received from) the client.</summary>
    void AddBytes(long bytes);
}
