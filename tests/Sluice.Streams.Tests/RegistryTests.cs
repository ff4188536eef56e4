using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

public sealed class RegistryTests
{
    [Fact]
    public async Task An_ondemand_stream_starts_for_a_viewer_and_stops_after_clients_timeout_without_one()
    {
        var clock = new FakeTimeProvider();
        await using var f = await new StreamsFixture(StreamsFixture.FastSettings with { Time = clock })
            .Apply("ondemand news { input test://news; clients_timeout 300ms; }");
        Assert.Null(f.Registry.Find("news"));
        Assert.Equal(0, f.Source["news"].Attempts);
        Assert.Null(f.Registry.OpenForViewer("unknown"));

        var stream = f.Registry.OpenForViewer("news")!;
        Assert.Same(stream, f.Registry.OpenForViewer("news"));
        var viewer = stream.AddViewer();
        await f.Events.WaitFor("source_started", "news");
        await AdvanceAsync(clock, TimeSpan.FromSeconds(2)); // far longer than clients_timeout, but watched
        Assert.NotNull(f.Registry.Find("news"));
        Assert.DoesNotContain("stream_stopped", f.Events.Names("news"));

        viewer.Dispose();
        await AdvanceAsync(clock, TimeSpan.FromMilliseconds(240)); // unwatched, not yet for clients_timeout
        Assert.NotNull(f.Registry.Find("news"));
        Assert.DoesNotContain("stream_stopped", f.Events.Names("news"));
        await AdvanceAsync(clock, TimeSpan.FromMilliseconds(100));
        var stopped = await f.Events.WaitFor("stream_stopped", "news");
        Assert.Equal("no_clients", stopped["reason"]);
        Assert.Null(f.Registry.Find("news"));
        await StreamsFixture.Until(() => f.Source["news"].Running == 0, "source stopped");
    }

    /// <summary>Moves the fake clock on one housekeeping period (20 ms) at a time, letting each tick run.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider clock, TimeSpan by)
    {
        for (var done = TimeSpan.Zero; done < by; done += TimeSpan.FromMilliseconds(20))
        {
            clock.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_live_prefix_accepts_one_publisher_per_name_and_removes_the_stream_after_it_leaves()
    {
        await using var f = await new StreamsFixture().Apply("live pub;\nstream fixed { input test://x; }");
        Assert.Null(f.Registry.Publish("other/cam", "10.0.0.1"));
        Assert.Null(f.Registry.Publish("pub", "10.0.0.1"));
        Assert.Null(f.Registry.Publish("fixed", "10.0.0.1")); // a stream with a source is not publishable

        var publisher = f.Registry.Publish("pub/cam", "10.0.0.1")!;
        Assert.Null(f.Registry.Publish("pub/cam", "10.0.0.2"));
        var stream = f.Registry.Find("pub/cam")!;
        await using (var reader = stream.Subscribe())
        {
            publisher.Connected();
            publisher.OnTrack(TestSourceFactory.Video);
            for (var n = 0; n < 20; n++) Frames.Write(publisher, n);
            var got = 0;
            while (reader.Frames.TryRead(out var frame)) { got++; frame.Release(); }
            Assert.Equal(40, got);
        }
        Assert.Equal(["stream_started", "source_opened", "source_connected", "stream_media_info", "source_started"], f.Events.Names("pub/cam"));
        Assert.Equal("publish://10.0.0.1", f.Events.Of("pub/cam")[1]["url"]);

        await publisher.DisposeAsync();
        var closed = await f.Events.WaitFor("source_closed", "pub/cam");
        Assert.Equal("unpublished", closed["reason"]);
        await f.Events.WaitFor("stream_stopped", "pub/cam");
        Assert.Null(f.Registry.Find("pub/cam"));
        Assert.NotNull(f.Registry.Publish("pub/cam", "10.0.0.2")); // free again
    }

    [Fact]
    public async Task A_slow_reader_drops_to_the_next_keyframe_without_delaying_the_source_or_other_readers()
    {
        await using var f = await new StreamsFixture().Apply("live pub;");
        var publisher = f.Registry.Publish("pub/a", "127.0.0.1")!;
        publisher.OnTrack(TestSourceFactory.Video);
        publisher.OnTrack(TestSourceFactory.Audio);
        var stream = f.Registry.Find("pub/a")!;
        await using var slow = stream.Subscribe(new StreamReaderOptions { Capacity = 16 });
        await using var fast = stream.Subscribe(new StreamReaderOptions { Capacity = 64 });

        var fastFrames = new List<(int Track, long Dts, bool Key)>();
        for (var n = 0; n < 500; n++)
        {
            Frames.Write(publisher, n); // on this thread: would hang here if a reader could block the source
            while (fast.Frames.TryRead(out var fr)) { fastFrames.Add((fr.TrackId, fr.Dts, fr.IsKeyframe)); fr.Release(); }
        }
        Assert.Equal(1000, fastFrames.Count);
        Assert.Equal(0, fast.Dropped);
        var videoDts = fastFrames.Where(x => x.Track == 256).Select(x => x.Dts).ToArray();
        Assert.Equal(Enumerable.Range(0, 500).Select(n => Frames.Start + n * 3600L), videoDts);

        Assert.Equal(1000 - 16, slow.Dropped + 0); // queue of 16 full, the rest dropped
        var queued = new List<MediaFrameCopy>();
        while (slow.Frames.TryRead(out var fr)) { queued.Add(new(fr.TrackId, fr.Dts, fr.IsKeyframe)); fr.Release(); }
        Assert.Equal(16, queued.Count);

        Frames.Write(publisher, 500); // a keyframe: the slow reader resumes exactly there
        Frames.Write(publisher, 501);
        Assert.True(slow.Frames.TryRead(out var resumed));
        Assert.True(resumed.IsKeyframe && resumed.TrackId == 256 && resumed.Dts == Frames.Start + 500 * 3600L);
        resumed.Release();
        var after = 0;
        while (slow.Frames.TryRead(out var fr)) { after++; fr.Release(); }
        Assert.Equal(3, after);
        await publisher.DisposeAsync();
    }

    private readonly record struct MediaFrameCopy(int Track, long Dts, bool Key);

    [Fact]
    public async Task A_new_reader_starts_at_the_last_keyframe_and_completes_when_the_stream_stops()
    {
        await using var f = await new StreamsFixture().Apply("live pub;");
        var publisher = f.Registry.Publish("pub/a", "127.0.0.1")!;
        publisher.OnTrack(TestSourceFactory.Video);
        for (var n = 0; n < 14; n++) Frames.Write(publisher, n); // keyframes at 0 and 10
        var stream = f.Registry.Find("pub/a")!;
        var reader = stream.Subscribe();
        var first = await reader.Frames.ReadAsync();
        Assert.True(first.IsKeyframe);
        Assert.Equal(Frames.Start + 10 * 3600L, first.Dts);
        first.Release();
        var rest = 0;
        while (reader.Frames.TryRead(out var fr)) { rest++; fr.Release(); }
        Assert.Equal(7, rest); // audio of 10, then 11..13 with their audio

        var waitingForKey = stream.Subscribe(new StreamReaderOptions { FromLastKeyframe = false });
        Frames.Write(publisher, 14);
        Assert.False(waitingForKey.Frames.TryRead(out _));

        Assert.True(await f.Registry.StopAsync("pub/a"));
        while (reader.Frames.TryRead(out var late)) late.Release(); // frame 14, queued before the stop
        await reader.Frames.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        await waitingForKey.Frames.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        await reader.DisposeAsync();
        await waitingForKey.DisposeAsync();
    }

    [Fact]
    public async Task Reload_keeps_unchanged_streams_reconfigures_changed_ones_and_stops_removed_ones()
    {
        await using var f = await new StreamsFixture().Apply("""
            stream same { input test://a; }
            stream changed { input test://b; }
            stream gone { input test://c; }
            """);
        foreach (var s in new[] { "same", "changed", "gone" }) await f.Events.WaitFor("source_started", s);
        var same = f.Registry.Find("same");
        var changed = f.Registry.Find("changed");

        await f.Apply("""
            # comments and spacing do not count as changes
            stream same {
              input   test://a;
            }
            stream changed { input test://b2; }
            stream added { input test://d; }
            """);
        await f.Events.WaitFor("stream_stopped", "gone");
        await f.Events.WaitFor("source_started", "changed", where: e => e["url"] == "test://b2");
        await f.Events.WaitFor("source_started", "added");
        Assert.Same(same, f.Registry.Find("same"));
        Assert.Same(changed, f.Registry.Find("changed")); // readers survive a reconfiguration
        Assert.Single(f.Events.Names("same"), n => n == "stream_started");
        Assert.DoesNotContain("stream_reconfigured", f.Events.Names("same"));
        Assert.Contains("stream_reconfigured", f.Events.Names("changed"));
        Assert.Equal("removed", f.Events.Of("gone").Last()["reason"]);
        Assert.Null(f.Registry.Find("gone"));
        await StreamsFixture.Until(() => f.Source["c"].Running == 0 && f.Source["b"].Running == 0, "old sources stopped");
    }
}

public sealed class PublisherSilenceTests
{
    [Fact]
    public async Task A_silent_publisher_is_reported_as_frames_timed_out_and_restored_when_it_sends_again()
    {
        await using var f = await new StreamsFixture().Apply("live pub { source_timeout 200ms; }");
        var publisher = f.Registry.Publish("pub/cam", "10.0.0.9")!;
        publisher.OnTrack(TestSourceFactory.Video);
        Frames.Write(publisher, 0);
        var timedOut = await f.Events.WaitFor("frames_timed_out", "pub/cam");
        Assert.Equal(("publish://10.0.0.9", "200"), (timedOut["url"], timedOut["timeout_ms"]));
        Assert.False(f.Registry.Find("pub/cam")!.IsProducing);
        Frames.Write(publisher, 1);
        await f.Events.WaitFor("frames_restored", "pub/cam");
        Assert.True(f.Registry.Find("pub/cam")!.IsProducing);
        Assert.DoesNotContain("source_closed", f.Events.Names("pub/cam")); // a publisher is never cut for silence
        await publisher.DisposeAsync();
    }
}
