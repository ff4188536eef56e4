using System.Text.Json;
using Sluice.Abstractions.Events;
using Sluice.Host.Events;

namespace Sluice.Notify.Tests;

public class EventCatalogTests
{
    // Every event named by the newer and the older spec list (events-api.txt, events-api-older.txt).
    private static readonly string[] SpecEvents =
    [
        "config_reloaded", "dvr_mp4_export_aborted", "dvr_mp4_export_failed", "dvr_mp4_export_ready", "dvr_mp4_export_start",
        "dvr_new_fragment", "dvr_deleted_fragments", "dvr_new_blob", "dvr_replication_started", "dvr_hour_replication_started",
        "dvr_hour_replication_done", "dvr_replication_progress", "dvr_replication_done", "file_opened", "file_closed",
        "frames_timed_out", "frames_restored", "listener_start", "listener_failure", "play_opened", "play_connected",
        "play_started", "play_closed", "push_opened", "push_connected", "push_started", "push_closed", "reboot_on_upgrade",
        "session_opened", "session_closed", "server_started", "source_opened", "source_connected", "source_started",
        "source_closed", "source_switch", "stream_started", "stream_reconfigured", "stream_stop", "stream_media_info",
        "stream_backup", "stream_jpeg", "stream_force_close_gop", "stream_rt_sync", "stream_broken_source",
        "udp_pusher_does_not_fit_cbr", "web_request", "rtsp_desync", "rtsp_resync", "rtsp_broken_data",
        "busy_port", "busy_dist_port", "long_gc", "long_schedule_pid", "long_schedule_port", "memory_usage",
        "stream_stopped", "stream_motion_started", "stream_motion_stopped", "source_ready", "source_lost",
        "publish_started", "publish_stopped",
    ];

    [Fact]
    public void The_catalog_has_every_event_of_both_spec_lists_once()
    {
        var names = EventCatalog.All.Select(d => d.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Empty(SpecEvents.Except(names));
        Assert.All(EventCatalog.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Description)));
    }

    [Fact]
    public void Performance_events_are_in_group_system_overloaded_and_levels_are_sensible()
    {
        foreach (var name in new[] { "busy_port", "busy_dist_port", "long_gc", "long_schedule_pid", "long_schedule_port", "threadpool_starvation" })
            Assert.Equal("system_overloaded", EventCatalog.Find(name)!.Group);
        Assert.Null(EventCatalog.Find("memory_usage")!.Group); // only above 80%, set by the emitter
        Assert.Equal(EventLevel.Warning, EventCatalog.LevelOf("source_closed"));
        Assert.Equal(EventLevel.Error, EventCatalog.LevelOf("listener_failure"));
        Assert.Equal(EventLevel.Notice, EventCatalog.LevelOf("server_started"));
        Assert.Equal(EventLevel.Info, EventCatalog.LevelOf("some_plugin_event"));
    }

    [Fact]
    public void Older_names_are_aliases_twinned_with_their_newer_names()
    {
        Assert.Equal("source_started", EventCatalog.Find("source_ready")!.AliasOf);
        Assert.Equal("source_closed", EventCatalog.Find("source_lost")!.AliasOf);
        Assert.Equal("source_ready", EventCatalog.Find("source_started")!.Twin);
        Assert.Equal("source_closed", EventCatalog.Find("source_lost")!.Twin);
        Assert.Null(EventCatalog.Find("stream_started")!.Twin);
    }

    [Fact]
    public void Format_prints_a_line_per_event_and_json_lists_them_all()
    {
        var text = new StringWriter();
        EventCatalog.Format(text);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(EventCatalog.All.Count + 1, lines.Length);
        Assert.Matches(@"^long_gc\s+warning\s+system_overloaded\s+A garbage collection", lines.Single(l => l.StartsWith("long_gc ")));
        using var doc = JsonDocument.Parse(EventCatalog.ToJson());
        var ready = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("event").GetString() == "source_ready");
        Assert.Equal("source_started", ready.GetProperty("alias_of").GetString());
        Assert.Equal(EventCatalog.All.Count, doc.RootElement.GetArrayLength());
    }

    [Fact]
    public void EventsDoc_docs_events_md_is_generated_from_the_catalog()
    {
        var path = Path.Combine(RepoRoot(), "docs", "events.md");
        var expected = EventCatalog.ToMarkdown();
        if (Environment.GetEnvironmentVariable("SLUICE_REGENERATE_DOCS") == "1") File.WriteAllText(path, expected);
        var actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(expected == actual,
            "docs/events.md differs from the event catalog. Regenerate it with: " +
            "SLUICE_REGENERATE_DOCS=1 dotnet test tests/Sluice.Notify.Tests --filter EventsDoc");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plugins.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("repository root (Plugins.sln) not found above " + AppContext.BaseDirectory);
    }
}
