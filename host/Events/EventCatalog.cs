using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Sluice.Abstractions.Events;
using Sluice.Host.Json;
using static Sluice.Abstractions.Events.EventLevel;

namespace Sluice.Host.Events;

/// <summary>
/// Every event Sluice knows, in one table: the newer spec list, the older one, and the .NET
/// counterparts of Erlang's system monitor events. Older names the newer list renamed
/// (<c>source_ready</c>, <c>source_lost</c>) are aliases: the router emits an alias and its canonical
/// event together, as two events with their own ids, so a filter written with either name works.
/// </summary>
internal static class EventCatalog
{
    public const string SystemOverloaded = "system_overloaded";

    private const string Newer = "newer";
    private const string Older = "older";
    private const string Both = "newer, older";
    private const string Sluice = "sluice";

    /// <summary>What every session event carries (<c>session_id</c>: the event's own <c>id</c> is a different one).</summary>
    private const string SessionFields = "session_id, ip, user_agent, protocol, proto, type, bytes, duration_ms";

    // name, level, group, description, spec list, alias of, fields
    private static readonly EventDefinition[] Table =
    [
        new(EventNames.ServerStarted, Notice, null, "Server has started.", Both, Fields: "version"),
        new(EventNames.ConfigReloaded, Notice, null, "Configuration is reloaded.", Both, Fields: "path"),
        new("reboot_on_upgrade", Notice, null, "Finishing an update and restarting.", Newer),
        new(EventNames.ListenerStart, Info, null, "Sluice starts listening on a port.", Both, Fields: "address, protocol"),
        new(EventNames.ListenerFailure, Error, null, "Sluice failed to listen on a port.", Both, Fields: "address, protocol, error"),

        new(EventNames.SessionOpened, Info, null, "Session is opened.", Both, Fields: SessionFields),
        new(EventNames.SessionClosed, Info, null, "Session is closed.", Both, Fields: SessionFields),
        new(EventNames.PlayOpened, Info, null, "Connection with a client has been opened for stream playback.", Newer, Fields: SessionFields),
        new("play_connected", Info, null, "Connection with a client has been established for stream playback.", Newer, Fields: SessionFields),
        new(EventNames.PlayStarted, Info, null, "Stream is being played.", Newer, Fields: SessionFields),
        new(EventNames.PlayClosed, Info, null, "Stream playback stopped and the session closed.", Newer, Fields: SessionFields),
        new("push_opened", Info, null, "Connection has been opened for pushing the stream.", Newer),
        new("push_connected", Info, null, "Connection has been established for pushing the stream.", Newer),
        new("push_started", Info, null, "Stream is being pushed to another server.", Both),
        new("push_closed", Info, null, "Stream stopped being pushed and the session closed.", Newer),
        new(EventNames.PublishStarted, Info, null, "Publishing to a stream has started.", Older, Fields: SessionFields),
        new(EventNames.PublishStopped, Info, null, "Publishing to a stream has finished.", Older, Fields: SessionFields),
        new(EventNames.FileOpened, Info, null, "File is opened.", Both),
        new(EventNames.FileClosed, Info, null, "File is closed.", Both),

        new(EventNames.StreamStarted, Info, null, "Stream has started.", Both),
        new(EventNames.StreamStopped, Info, null, "Stream was stopped.", Older),
        new(EventNames.StreamStop, Info, null, "Stream has received the command to stop via API.", Both),
        new(EventNames.StreamReconfigured, Info, null, "Stream configuration was updated.", Both),
        new(EventNames.StreamMediaInfo, Info, null, "Stream attributes (media_info) were changed.", Both),
        new(EventNames.StreamBackup, Warning, null, "Backup file started playing while the source is lost.", Both, Fields: "file"),
        new("stream_jpeg", Debug, null, "New JPEG thumbnail is generated.", Both, Fields: "url, size, width, height"),
        new("stream_force_close_gop", Warning, null, "Stream error: invalid timestamps are coming or FPS is too low.", Both),
        new("stream_rt_sync", Warning, null, "Stream timestamps are resynced (a sign of stream errors if it happens often).", Both),
        new(EventNames.StreamBrokenSource, Error, null, "Reading the stream from the source failed and the stream was restarted.", Both),
        new("stream_motion_started", Info, null, "(IP cameras) Detected motion has started.", Older),
        new("stream_motion_stopped", Info, null, "(IP cameras) Detected motion has stopped.", Older),

        new(EventNames.SourceOpened, Info, null, "Connection has been opened for publishing or ingesting the stream.", Newer),
        new(EventNames.SourceConnected, Info, null, "Connection is established for publishing or ingesting the stream.", Newer),
        new(EventNames.SourceStarted, Info, null, "Stream has received first video frames from an active source (ingest, publish, file).", Newer),
        new("source_ready", Info, null, "Stream has received first video frames (older name of source_started).", Older, AliasOf: "source_started"),
        new(EventNames.SourceClosed, Warning, null, "Stream source is considered to be lost.", Newer),
        new("source_lost", Warning, null, "Stream source is considered to be lost and the stream needs restarting (older name of source_closed).", Older, AliasOf: "source_closed"),
        new(EventNames.SourceSwitch, Notice, null, "Stream has switched to another source.", Both),
        new(EventNames.FramesTimedOut, Warning, null, "Source of the stream stopped sending frames (but it has not restarted yet).", Both),
        new(EventNames.FramesRestored, Notice, null, "Source of the stream resumes sending frames.", Both),
        new("udp_pusher_does_not_fit_cbr", Warning, null, "Constant bitrate of a pushed UDP stream is too low for the stream's bitrate.", Both),
        new("web_request", Debug, null, "DVR bandwidth usage data is being requested.", Newer),

        new("rtsp_desync", Warning, null, "RTSP audio and video streams are not synchronized.", Newer),
        new("rtsp_resync", Notice, null, "RTSP audio and video streams have been synchronized.", Newer),
        new("rtsp_broken_data", Warning, null, "Broken data is received from the camera.", Newer),

        new("dvr_new_fragment", Debug, null, "Next fragment of the DVR archive was stored on disk.", Both, Fields: "from, duration, bytes, path"),
        new("dvr_deleted_fragments", Info, null, "Outdated fragments were purged from the DVR archive (reason depth or size).", Both, Fields: "count, from, to, bytes, reason"),
        new("dvr_new_blob", Info, null, "One-hour interval is opened for storing video in the DVR archive.", Both, Fields: "blob, path"),
        new("dvr_mp4_export_start", Info, null, "Start of an MP4 export from the DVR archive.", Newer, Fields: "path, from, duration, ip"),
        new("dvr_mp4_export_ready", Info, null, "MP4 file exported successfully from the DVR archive.", Newer, Fields: "path, bytes, duration, fragments, gaps"),
        new("dvr_mp4_export_failed", Error, null, "MP4 export from the DVR archive failed.", Newer, Fields: "path, reason"),
        new("dvr_mp4_export_aborted", Warning, null, "MP4 export from the DVR archive has been aborted (the client left).", Newer, Fields: "path, bytes, reason"),
        new("dvr_archive_indexed", Info, null, "A stream's DVR archive was indexed from its files (at start or when its directive appeared); fragments cut short by a crash repaired or dropped.", Sluice, Fields: "fragments, bytes, repaired, dropped, from, to"),
        new("dvr_write_failed", Error, null, "Writing the DVR archive failed (disk full, no permission): recording stops and is retried; the stream is not affected.", Sluice, Fields: "path, error"),
        new("dvr_write_resumed", Notice, null, "Writing the DVR archive works again after dvr_write_failed.", Sluice, Fields: "path, failed_ms"),
        new("dvr_frames_dropped", Warning, null, "The DVR could not keep up with the stream (a slow disk): frames were dropped for the recorder, leaving a gap.", Sluice, Fields: "dropped, total"),
        new("dvr_replication_started", Info, null, "DVR replication has started.", Both),
        new("dvr_hour_replication_started", Info, null, "Replication of a DVR one-hour interval has started.", Both),
        new("dvr_hour_replication_done", Info, null, "Replication of a DVR one-hour interval is completed.", Both),
        new("dvr_replication_progress", Debug, null, "DVR replication is in progress.", Both),
        new("dvr_replication_done", Info, null, "DVR replication is completed.", Both),

        new(EventNames.MemoryUsage, Warning, null, "More than half of the available memory is used; group system_overloaded above 80%.", Both, Fields: "total, used"),
        new("busy_port", Warning, SystemOverloaded, "Erlang system monitor: a port was busy. Kept for filters; .NET has no ports, Sluice never emits it.", Both),
        new("busy_dist_port", Warning, SystemOverloaded, "Erlang system monitor: a distribution port was busy. Kept for filters; Sluice never emits it.", Both),
        new(EventNames.LongGc, Warning, SystemOverloaded, "A garbage collection paused the process longer than the threshold.", Both, Fields: "pause_ms, generation, heap_bytes, kind"),
        new("long_schedule_pid", Warning, SystemOverloaded, "Erlang system monitor: a process ran too long without yielding. Its .NET counterpart is threadpool_starvation.", Both),
        new("long_schedule_port", Warning, SystemOverloaded, "Erlang system monitor: a port ran too long. Kept for filters; Sluice never emits it.", Both),
        new(EventNames.NotifyDisabled, Error, null, "A notify block was disabled until the next reload: its receiver answered 410 Gone.", Sluice, Fields: "block, reason"),
        new(EventNames.NotifySpoolFull, Error, null, "A notify block's spool reached its SIZE: its oldest events were dropped (reported at most every 10 s).", Sluice, Fields: "block, dropped, spool_bytes, limit_bytes"),
        new(EventNames.ClusterPeerUp, Notice, null, "Cluster ingest: a peer answers again (or for the first time); each server reports its own view.", Sluice, Fields: "peer"),
        new(EventNames.ClusterPeerDown, Warning, null, "Cluster ingest: a peer has not answered for its stale_timeout (or lost its etcd lease) and counts as dead.", Sluice, Fields: "peer"),
        new(EventNames.ClusterStreamMoved, Notice, null, "Cluster ingest: this server started capturing the stream, which was captured elsewhere or nowhere.", Sluice, Fields: "from, to"),
        new(EventNames.ThreadpoolStarvation, Warning, SystemOverloaded, "A work item queued to the .NET thread pool waited longer than the threshold to run.", Sluice, Fields: "queue_length, threads, delay_ms"),
    ];

    private static readonly FrozenDictionary<string, EventDefinition> ByName = Build();

    /// <summary>Every definition, in catalog order.</summary>
    public static IReadOnlyList<EventDefinition> All { get; } = Table.Select(d => ByName[d.Name]).ToArray();

    public static bool TryGet(string name, out EventDefinition definition) => ByName.TryGetValue(name, out definition!);

    public static EventDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The catalog's level for <paramref name="name"/>; info for unknown events.</summary>
    public static EventLevel LevelOf(string name) => ByName.TryGetValue(name, out var d) ? d.Level : Info;

    private static FrozenDictionary<string, EventDefinition> Build()
    {
        var byName = Table.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var alias in Table.Where(d => d.AliasOf is not null))
        {
            byName[alias.Name] = alias with { Twin = alias.AliasOf };
            byName[alias.AliasOf!] = byName[alias.AliasOf!] with { Twin = alias.Name };
        }
        return byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The catalog as a table for <c>sluice events</c>.</summary>
    public static void Format(TextWriter output)
    {
        var width = All.Max(d => d.Name.Length) + 2;
        output.WriteLine($"{"EVENT".PadRight(width)}{"LEVEL",-9}{"GROUP",-19}DESCRIPTION");
        foreach (var d in All)
        {
            var description = d.AliasOf is null ? d.Description : $"{d.Description} Emitted together with {d.AliasOf}.";
            output.WriteLine($"{d.Name.PadRight(width)}{d.Level.ToName(),-9}{d.Group ?? "-",-19}{description}");
        }
    }

    /// <summary>The catalog as a JSON array for <c>sluice events --json</c>.</summary>
    public static string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, HumanJson.Writer(indented: true)))
        {
            w.WriteStartArray();
            foreach (var d in All)
            {
                w.WriteStartObject();
                w.WriteString("event", d.Name);
                w.WriteString("level", d.Level.ToName());
                if (d.Group is null) w.WriteNull("group"); else w.WriteString("group", d.Group);
                w.WriteString("description", d.Description);
                w.WriteString("spec", d.Origin);
                if (d.AliasOf is not null) w.WriteString("alias_of", d.AliasOf);
                if (d.Fields.Length > 0)
                {
                    w.WriteStartArray("fields");
                    foreach (var f in d.Fields.Split(", ")) w.WriteStringValue(f);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The text of <c>docs/events.md</c>; a test keeps the file equal to it.</summary>
    public static string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("""
            # Events

            <!-- GENERATED from host/Events/EventCatalog.cs. Do not edit: regenerate with
                 SLUICE_REGENERATE_DOCS=1 dotnet test tests/Sluice.Notify.Tests --filter EventsDoc -->

            Every event Sluice knows. Each has the common fields `event`, `id`, `utc_ms`, `server`,
            `level`, `group` (when set) and `media` (for stream events), plus its own fields.
            The level and group below are the defaults an emitter may override; a notify block's
            `verbose LEVEL` drops events below LEVEL, `only group=system_overloaded` keeps the
            performance events.

            **Older names.** The older event list used `source_ready` and `source_lost` where the newer one
            says `source_started` and `source_closed`. Sluice emits both: whenever one of the pair is
            emitted, the other follows as a separate event with its own `id`, so a filter written with
            either name keeps working. A block that wants both receives both.

            **Performance events.** `long_gc`, `threadpool_starvation` and `memory_usage` are the .NET
            counterparts of Erlang's system monitor events; `busy_port`, `busy_dist_port`,
            `long_schedule_port` and `long_schedule_pid` have no .NET meaning and are listed only so that
            filters naming them stay valid.

            | event | level | group | spec | fields | description |
            | --- | --- | --- | --- | --- | --- |

            """);
        foreach (var d in All)
        {
            var description = d.AliasOf is null ? d.Description : $"{d.Description} Alias of `{d.AliasOf}`, emitted together with it.";
            var fields = d.Fields.Length == 0 ? "" : string.Join(", ", d.Fields.Split(", ").Select(f => $"`{f}`"));
            sb.Append($"| `{d.Name}` | {d.Level.ToName()} | {d.Group ?? ""} | {d.Origin} | {fields} | {description} |\n");
        }
        return sb.ToString().ReplaceLineEndings("\n");
    }
}
