using Sluice.Host.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

/// <summary>A stream block of an operator's Flussonic file loads: what is implemented is bound, the rest warns.</summary>
public sealed class FlussonicStreamOptionsTests
{
    private static string[] Lines(Sluice.Host.Configuration.ConfigLoadResult r) => r.Diagnostics.Select(d => d.ToString()).ToArray();

    [Fact]
    public async Task Flussonic_stream_options_this_build_lacks_are_warnings_and_title_segments_and_backup_are_bound()
    {
        await using var f = new StreamsFixture(fileSource: true);
        var r = f.Load("""
            stream ort {
              input test://main;
              title "Первый канал HD";
              transcoder vb=2048k ab=128k;
              protocols hls dash;
              thumbnails;
              segment_duration 4;
              segment_count 5;
              backup vod/blank.ts;
            }
            ondemand news { input test://n; title News; segment_duration 1500ms; }
            """, "/srv/sluice");
        Assert.True(r.Succeeded, r.Format());
        Assert.Equal(
        [
            "t.conf:4:3: warning: 'transcoder' in 'stream' is not supported by this build; ignored",
            "t.conf:5:3: warning: 'protocols' in 'stream' is not supported by this build; ignored",
            "t.conf:6:3: warning: 'thumbnails' in 'stream' is not supported by this build; ignored",
        ], Lines(r));
        var streams = r.Configuration!.Get<StreamsOptions>()!.Streams;
        var ort = streams[0];
        Assert.Equal(("Первый канал HD", TimeSpan.FromSeconds(4), (int?)5), (ort.Title, ort.SegmentDuration, ort.SegmentCount));
        Assert.Equal("/srv/sluice/vod/blank.ts", ort.Backup!.Path);
        Assert.Equal("file:///srv/sluice/vod/blank.ts", ort.Backup.Input.UrlText);
        Assert.Equal(("News", TimeSpan.FromMilliseconds(1500)), (streams[1].Title, streams[1].SegmentDuration));
    }

    [Theory]
    [InlineData("on_play http://auth.local/;", "t.conf:1:29: 'on_play' is a security directive and is not supported by this build; refusing to ignore it")]
    [InlineData("on_publish http://auth.local/;", "'on_publish' is a security directive")]
    [InlineData("segment_duration 0.5;", "'segment_duration' must be between 1 and 60 seconds, got '0.5'")]
    [InlineData("segment_duration soon;", "'segment_duration' expects a segment duration (a duration such as 500ms, 30s, 5m, 2d), got 'soon'")]
    [InlineData("segment_duration 90;", "'segment_duration' must be between 1 and 60 seconds, got '90'")]
    [InlineData("segment_count 2;", "'segment_count' expects a number of segments between 3 and 100, got 2")]
    [InlineData("backup http://elsewhere/x.ts;", "'backup' expects a file (a path or file://PATH), got 'http://elsewhere/x.ts'")]
    [InlineData("title;", "'title' expects at least 1 argument: title TEXT")]
    public async Task Bad_or_security_stream_options_are_located_errors(string line, string message)
    {
        await using var f = new StreamsFixture(fileSource: true);
        var r = f.Load($"stream tv {{ input test://x; {line} }}");
        Assert.False(r.Succeeded);
        Assert.Contains(message, r.Format());
    }

    [Fact]
    public async Task A_backup_of_a_published_stream_is_a_warning_and_ignored()
    {
        await using var f = new StreamsFixture(fileSource: true);
        var r = f.Load("stream studio { input publish://; backup blank.ts; }");
        Assert.True(r.Succeeded, r.Format());
        Assert.Equal(["t.conf:1:35: warning: 'backup' of 'stream studio' is not played for a published stream in this build; ignored"], Lines(r));
        Assert.Null(r.Configuration!.Get<StreamsOptions>()!.Streams.Single().Backup);
    }

    [Fact]
    public async Task A_backup_without_a_file_source_loaded_is_an_error()
    {
        await using var f = new StreamsFixture();
        var r = f.Load("stream tv { input test://x; backup blank.ts; }");
        Assert.Equal(["t.conf:1:36: 'backup' needs a source that plays file:// inputs, and no loaded source plugin reads them"], Lines(r));
    }

    [Fact]
    public async Task The_backup_plays_while_the_source_is_lost_and_the_source_takes_over_when_it_delivers_again()
    {
        await using var f = new StreamsFixture(fileSource: true);
        f.Source["main"].Mode = SourceMode.Fail;
        await f.Apply("stream tv { input test://main; backup /srv/blank.ts; source_timeout 500ms; title Studio; }");

        var backup = await f.Events.WaitFor("stream_backup", "tv");
        Assert.Equal("/srv/blank.ts", backup["file"]);
        var stream = (MediaStream)f.Registry.Find("tv")!;
        await using (var reader = stream.Subscribe(new Sluice.Abstractions.Streams.StreamReaderOptions { FromLastKeyframe = false }))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var frame = await reader.Frames.ReadAsync(cts.Token); // viewers get the backup's frames
            frame.Release();
        }
        var snapshot = stream.Snapshot();
        Assert.Equal((StreamState.Backup, "/srv/blank.ts", "Studio"), (snapshot.State, snapshot.Input, snapshot.Title));
        Assert.DoesNotContain(f.Events.Of("tv"), e => e.Name.StartsWith("source_") && e["url"] == "/srv/blank.ts");

        // The source comes back: a probe finds it, it takes over, the backup stops.
        var attempts = f.Source["main"].Attempts;
        f.Source["main"].Mode = SourceMode.Normal;
        await f.Events.WaitFor("source_started", "tv", where: e => e["url"] == "test://main");
        await StreamsFixture.Until(() => f.Files["blank.ts"].Running == 0, "the backup stopped");
        Assert.Equal((StreamState.Running, "test://main"), (stream.Snapshot().State, stream.Snapshot().Input));
        Assert.Single(f.Events.Names("tv"), n => n == "stream_backup");
        Assert.True(f.Source["main"].Attempts > attempts);

        // Lost again: the backup again.
        f.Source["main"].Mode = SourceMode.Fail;
        await f.Events.WaitFor("stream_backup", "tv", count: 2);
    }
}
