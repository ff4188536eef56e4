using Microsoft.Extensions.Time.Testing;
using Sluice.Host.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

public sealed class SourceLifecycleTests
{
    [Fact]
    public async Task A_configured_stream_starts_with_the_server_and_reports_its_source_in_order()
    {
        await using var f = await new StreamsFixture().Apply("stream tv { input test://cam; }");
        await f.Events.WaitFor("stream_media_info", "tv");
        await f.Events.WaitFor("source_started", "tv");

        var names = f.Events.Names("tv");
        Assert.Equal(["stream_started", "source_opened", "source_connected"], names.Take(3));
        Assert.True(names.ToList().IndexOf("stream_media_info") < names.ToList().IndexOf("source_started"), string.Join(",", names));
        var info = f.Events.Of("tv").First(e => e.Name == "stream_media_info");
        Assert.Equal(("h264", "640", "360", "aac", "48000", "2"),
            (info["video_codec"], info["width"], info["height"], info["audio_codec"], info["sample_rate"], info["channels"]));
        Assert.Equal("test://cam", f.Events.Of("tv").First(e => e.Name == "source_opened")["url"]);

        var stream = f.Registry.Find("tv")!;
        await StreamsFixture.Until(() => stream.IsProducing, "producing");
        Assert.Equal(2, stream.Tracks.Count);
        var snapshot = f.Registry.Running.Single().Snapshot();
        Assert.Equal((StreamState.Running, "test://cam"), (snapshot.State, snapshot.Input));
    }

    [Fact]
    public async Task Silence_reports_frames_timed_out_then_frames_restored_when_frames_return()
    {
        await using var f = await new StreamsFixture().Apply("stream tv { input test://cam; source_timeout 1s; }");
        await f.Events.WaitFor("source_started", "tv");
        f.Source["cam"].Mode = SourceMode.Silent;
        var timedOut = await f.Events.WaitFor("frames_timed_out", "tv");
        Assert.Equal("1000", timedOut["timeout_ms"]);
        Assert.False(f.Registry.Find("tv")!.IsProducing);
        f.Source["cam"].Mode = SourceMode.Normal;
        await f.Events.WaitFor("frames_restored", "tv");
        Assert.True(f.Registry.Find("tv")!.IsProducing);
        Assert.DoesNotContain("source_closed", f.Events.Names("tv")); // restored within the second timeout: same attempt
        Assert.Equal(1, f.Source["cam"].Attempts);
    }

    [Fact]
    public async Task A_source_that_stays_silent_is_closed_and_the_stream_fails_over_to_the_backup()
    {
        await using var f = new StreamsFixture();
        f.Source["main"].Mode = SourceMode.Normal;
        await f.Apply("stream tv { input test://main; input test://backup; source_timeout 200ms; }");
        await f.Events.WaitFor("source_started", "tv");
        f.Source["main"].Mode = SourceMode.Silent;
        f.Source["backup"].Mode = SourceMode.Normal;

        var closed = await f.Events.WaitFor("source_closed", "tv");
        Assert.Equal(("test://main", "frames_timed_out"), (closed["url"], closed["reason"]));
        var sw = await f.Events.WaitFor("source_switch", "tv");
        Assert.Equal(("test://main", "test://backup"), (sw["from"], sw["to"]));
        await f.Events.WaitFor("source_started", "tv", where: e => e["url"] == "test://backup");
        Assert.Single(f.Events.Names("tv"), n => n == "stream_media_info"); // the backup has the same tracks
        var names = f.Events.Names("tv").ToList();
        Assert.True(names.IndexOf("frames_timed_out") < names.IndexOf("source_closed"));
    }

    [Fact]
    public async Task A_failing_primary_switches_to_the_backup_and_back_once_the_primary_delivers_again()
    {
        await using var f = new StreamsFixture();
        f.Source["main"].Mode = SourceMode.Fail;
        await f.Apply("stream tv { input test://main; input test://backup; source_timeout 1s; }");

        var broken = await f.Events.WaitFor("stream_broken_source", "tv");
        Assert.Equal("test source refused", broken["error"]);
        var toBackup = await f.Events.WaitFor("source_switch", "tv");
        Assert.Equal(("test://main", "test://backup", "failure"), (toBackup["from"], toBackup["to"], toBackup["reason"]));
        await f.Events.WaitFor("source_started", "tv", where: e => e["url"] == "test://backup");

        f.Source["main"].Mode = SourceMode.Normal; // the next probe of the primary sees a keyframe
        var back = await f.Events.WaitFor("source_switch", "tv", 2);
        Assert.Equal(("test://backup", "test://main", "primary_recovered"), (back["from"], back["to"], back["reason"]));
        await f.Events.WaitFor("source_started", "tv", where: e => e["url"] == "test://main");
        var closedBackup = f.Events.Of("tv").Last(e => e.Name == "source_closed");
        Assert.Equal(("test://backup", "primary_recovered"), (closedBackup["url"], closedBackup["reason"]));
        await StreamsFixture.Until(() => f.Registry.Running.Single().Snapshot().Input == "test://main", "input back on main");
    }

    [Fact]
    public async Task A_source_that_keeps_failing_is_retried_with_exponential_backoff()
    {
        await using var f = new StreamsFixture();
        f.Source["cam"].Mode = SourceMode.Fail;
        await f.Apply("stream tv { input test://cam; }");
        await f.Events.WaitFor("stream_broken_source", "tv", 5);
        var delays = f.Events.Of("tv").Where(e => e.Name == "stream_broken_source").Take(5).Select(e => int.Parse(e["retry_in_ms"]!)).ToArray();
        Assert.Equal([40, 80, 160, 320, 400], delays); // doubling from BackoffInitial, capped at BackoffMax
        Assert.DoesNotContain("source_switch", f.Events.Names("tv")); // a single input has nowhere to switch
        var closed = f.Events.Of("tv").First(e => e.Name == "source_closed");
        Assert.Equal(("error", "test source refused"), (closed["reason"], closed["error"]));
        Assert.DoesNotContain("source_started", f.Events.Names("tv"));
    }

    [Fact]
    public async Task A_source_that_ends_is_reopened()
    {
        await using var f = new StreamsFixture();
        await f.Apply("stream tv { input test://cam; }");
        await f.Events.WaitFor("source_started", "tv");
        f.Source["cam"].Mode = SourceMode.End;
        var closed = await f.Events.WaitFor("source_closed", "tv");
        Assert.Equal("eof", closed["reason"]);
        f.Source["cam"].Mode = SourceMode.Normal;
        await f.Events.WaitFor("source_started", "tv", 2);
        Assert.DoesNotContain("stream_broken_source", f.Events.Names("tv")); // an end is not an error
    }

    [Fact]
    public async Task Stopping_through_the_API_restarts_a_permanent_stream()
    {
        await using var f = await new StreamsFixture().Apply("stream tv { input test://cam; }");
        await f.Events.WaitFor("source_started", "tv");
        var before = f.Registry.Find("tv");
        Assert.True(await f.Registry.StopAsync("tv"));
        Assert.False(await f.Registry.StopAsync("nope"));
        await f.Events.WaitFor("source_started", "tv", 2);
        var names = f.Events.Names("tv").ToList();
        var stop = names.IndexOf("stream_stop");
        Assert.True(stop > 0 && names.IndexOf("stream_stopped") > stop && names.LastIndexOf("stream_started") > stop, string.Join(",", names));
        Assert.NotSame(before, f.Registry.Find("tv"));
        await StreamsFixture.Until(() => f.Source["cam"].Running == 1 && f.Source["cam"].Attempts == 2, "one attempt running after the restart");
    }
}

public sealed class RetryLimitAndBufferTests
{
    [Fact]
    public async Task A_stream_gives_up_after_retry_limit_failures_and_starts_over_when_reconfigured()
    {
        var clock = new FakeTimeProvider();
        await using var f = new StreamsFixture(StreamsFixture.FastSettings with { Time = clock });
        f.Source["cam"].Mode = SourceMode.Fail;
        await f.Apply("stream tv { input test://cam; retry_limit 3; }");
        // The backoff waits on the stream's clock: each step of the fake clock lets the next attempt come.
        await StreamsFixture.Until(() => f.Registry.Running.Single().Snapshot().State == StreamState.Failed, "state failed",
            advance: () => clock.Advance(TimeSpan.FromMilliseconds(50)));
        clock.Advance(TimeSpan.FromMinutes(1)); // longer than any backoff: no further attempt
        Assert.Equal(3, f.Source["cam"].Attempts);
        Assert.Equal([40, 80], f.Events.All.Where(e => e.Name == "stream_broken_source").Select(e => int.Parse(e["retry_in_ms"]!)).Take(2));

        f.Source["cam"].Mode = SourceMode.Normal;
        await f.Apply("stream tv { input test://cam; retry_limit 4; }");
        await f.Events.WaitFor("source_started", "tv");
        Assert.Contains("stream_reconfigured", f.Events.Names("tv"));
    }

    [Fact]
    public async Task Every_pooled_payload_goes_back_when_readers_and_the_stream_are_done_with_it()
    {
        await using var f = await new StreamsFixture().Apply("live pub;");
        var publisher = f.Registry.Publish("pub/a", "127.0.0.1")!;
        publisher.OnTrack(TestSourceFactory.Video);
        var stream = f.Registry.Find("pub/a")!;
        var reading = stream.Subscribe();
        var idle = stream.Subscribe(new Sluice.Abstractions.Streams.StreamReaderOptions { Capacity = 4 });
        var payloads = new List<Sluice.Abstractions.Buffers.RentedBuffer>();
        for (var n = 0; n < 25; n++)
        {
            var buffer = Sluice.Abstractions.Buffers.RentedBuffer.CopyOf(new byte[100]);
            payloads.Add(buffer.Retain()); // the test's own reference, to watch the count
            publisher.OnFrame(new Sluice.Abstractions.Frames.MediaFrame(256, Sluice.Abstractions.Frames.CodecId.H264, n * 3600L, n * 3600L,
                n % 10 == 0 ? Sluice.Abstractions.Frames.FrameFlags.Keyframe : Sluice.Abstractions.Frames.FrameFlags.None, buffer));
            buffer.Release(); // the producer's reference, as a demuxer releases after OnFrame
        }
        Assert.True(payloads[24].ReferenceCount > 1); // held by the GOP cache and the reader queues
        while (reading.Frames.TryRead(out var fr)) fr.Release();
        await reading.DisposeAsync();
        await idle.DisposeAsync(); // releases what it never read
        await publisher.DisposeAsync();
        Assert.True(await f.Registry.StopAsync("pub/a")); // empties the GOP cache
        Assert.All(payloads, p => Assert.Equal(1, p.ReferenceCount));
        foreach (var p in payloads) p.Release();
    }
}

public sealed class CancellationBlameTests
{
    [Fact]
    public async Task A_source_that_throws_while_being_cancelled_is_not_reported_as_broken()
    {
        await using var f = new StreamsFixture();
        f.Source["cam"].ThrowOnCancel = true;
        await f.Apply("stream tv { input test://cam; source_timeout 200ms; }");
        await f.Events.WaitFor("source_started", "tv");
        f.Source["cam"].Mode = SourceMode.Silent;
        var closed = await f.Events.WaitFor("source_closed", "tv");
        Assert.Equal(("frames_timed_out", null), (closed["reason"], closed["error"]));
        f.Source["cam"].Mode = SourceMode.Normal;
        await f.Events.WaitFor("source_started", "tv", 2);
        Assert.DoesNotContain("stream_broken_source", f.Events.Names("tv"));
    }
}
