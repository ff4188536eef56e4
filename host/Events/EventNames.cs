namespace Sluice.Host.Events;

/// <summary>
/// The names of the events the host emits, as constants: the catalog's rows for them and every typed emitter
/// (<see cref="HostEvents"/>, <c>StreamEvents</c>, <c>SessionEvents</c>, <see cref="SystemMonitor"/>) use these, and a test over the
/// repository's sources finds no event name written as a literal anywhere else in the host.
/// </summary>
internal static class EventNames
{
    public const string ServerStarted = "server_started";
    public const string ConfigReloaded = "config_reloaded";
    public const string ListenerStart = "listener_start";
    public const string ListenerFailure = "listener_failure";
    public const string SessionOpened = "session_opened";
    public const string SessionClosed = "session_closed";
    public const string PlayOpened = "play_opened";
    public const string PlayStarted = "play_started";
    public const string PlayClosed = "play_closed";
    public const string PublishStarted = "publish_started";
    public const string PublishStopped = "publish_stopped";
    public const string FileOpened = "file_opened";
    public const string FileClosed = "file_closed";
    public const string StreamStarted = "stream_started";
    public const string StreamStopped = "stream_stopped";
    public const string StreamStop = "stream_stop";
    public const string StreamReconfigured = "stream_reconfigured";
    public const string StreamMediaInfo = "stream_media_info";
    public const string StreamBackup = "stream_backup";
    public const string StreamBrokenSource = "stream_broken_source";
    public const string SourceOpened = "source_opened";
    public const string SourceConnected = "source_connected";
    public const string SourceStarted = "source_started";
    public const string SourceClosed = "source_closed";
    public const string SourceSwitch = "source_switch";
    public const string FramesTimedOut = "frames_timed_out";
    public const string FramesRestored = "frames_restored";
    public const string MemoryUsage = "memory_usage";
    public const string LongGc = "long_gc";
    public const string ThreadpoolStarvation = "threadpool_starvation";
}
