using Sluice.Abstractions.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

public sealed class VodAndSessionTests
{
    [Fact]
    public async Task Vod_resolves_files_inside_the_folder_and_refuses_every_escape()
    {
        using var dir = new TempDir();
        using var outside = new TempDir();
        var root = Path.Combine(dir.Path, "media");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.WriteAllText(Path.Combine(root, "a.ts"), "a");
        File.WriteAllText(Path.Combine(root, "sub", "b.ts"), "b");
        File.WriteAllText(Path.Combine(outside.Path, "secret.ts"), "s");
        File.WriteAllText(Path.Combine(dir.Path, "media-evil.ts"), "sibling with a common prefix");
        File.CreateSymbolicLink(Path.Combine(root, "link.ts"), Path.Combine(outside.Path, "secret.ts"));
        Directory.CreateSymbolicLink(Path.Combine(root, "linkdir"), outside.Path);
        File.CreateSymbolicLink(Path.Combine(root, "inner.ts"), Path.Combine(root, "sub", "b.ts"));

        await using var f = await new StreamsFixture().Apply($"file vod {{ path {root}; }}");
        IVodLibrary vod = f.Registry.Vod;
        Assert.Equal(["vod"], vod.Prefixes);
        Assert.Equal(Path.Combine(root, "a.ts"), vod.Resolve("vod", "a.ts"));
        Assert.Equal(Path.Combine(root, "sub", "b.ts"), vod.Resolve("vod", "sub/b.ts"));
        Assert.Equal(Path.Combine(root, "a.ts"), vod.Resolve("vod", "sub/../a.ts"));
        Assert.Equal(Path.Combine(root, "sub", "b.ts"), vod.Resolve("vod", "inner.ts")); // a link that stays inside is fine
        Assert.Null(vod.Resolve("vod", "../media-evil.ts"));
        Assert.Null(vod.Resolve("vod", "../../" + Path.GetFileName(outside.Path) + "/secret.ts"));
        Assert.Null(vod.Resolve("vod", Path.Combine(outside.Path, "secret.ts")));
        Assert.Null(vod.Resolve("vod", "/etc/passwd"));
        Assert.Null(vod.Resolve("vod", "link.ts"));
        Assert.Null(vod.Resolve("vod", "linkdir/secret.ts"));
        Assert.Null(vod.Resolve("vod", "missing.ts"));
        Assert.Null(vod.Resolve("vod", "a.ts\0.txt"));
        Assert.Null(vod.Resolve("other", "a.ts"));
    }

    [Fact]
    public async Task Max_sessions_refuses_sessions_beyond_the_limit_and_sessions_report_bytes_and_duration()
    {
        await using var f = await new StreamsFixture().Apply("max_sessions 2;");
        ISessionTracker tracker = f.Registry.Sessions;
        var s1 = tracker.TryOpen(SessionKind.Play, "tv", "hls", "10.0.0.1", "VLC/3.0")!;
        var s2 = tracker.TryOpen(SessionKind.Publish, "pub/x", "mpegts", "10.0.0.2", null)!;
        Assert.Null(tracker.TryOpen(SessionKind.Play, "tv", "hls", "10.0.0.3", null));
        s1.Started();
        s1.Started();
        s1.AddBytes(1000);
        s1.AddBytes(500);
        s1.Dispose();
        s1.Dispose();
        var s3 = tracker.TryOpen(SessionKind.Play, "tv", "hls", "10.0.0.3", null);
        Assert.NotNull(s3);
        s2.Started();
        s2.Dispose();

        Assert.Equal(["session_opened", "play_opened", "play_started", "play_closed", "session_closed", "session_opened", "play_opened"],
            f.Events.Of("tv").Select(e => e.Name));
        var closed = f.Events.Of("tv").First(e => e.Name == "session_closed");
        Assert.Equal(("1500", "10.0.0.1", "VLC/3.0", "hls", s1.Id), (closed["bytes"], closed["ip"], closed["user_agent"], closed["protocol"], closed["session_id"]));
        Assert.True(long.Parse(closed["duration_ms"]!) >= 0);
        // The session's id is session_id: "id" is the event's own, and every key appears once (CollectingEmitter checks that too).
        Assert.All(f.Events.All, e => Assert.False(e.Fields.ContainsKey("id"), e.ToString()));
        Assert.All(f.Events.All, e => Assert.NotNull(e["session_id"]));
        Assert.Equal(["session_opened", "publish_started", "publish_stopped", "session_closed"], f.Events.Names("pub/x"));

        await f.Apply("http 80;"); // no max_sessions: unlimited
        var many = Enumerable.Range(0, 10).Select(_ => tracker.TryOpen(SessionKind.Play, "tv", "hls", "1.1.1.1", null)).ToArray();
        Assert.All(many, Assert.NotNull);
    }
}
