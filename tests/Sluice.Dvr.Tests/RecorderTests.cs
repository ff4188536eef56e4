using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Streams;
using Sluice.Dvr.Archive;
using Sluice.Dvr.Recording;
using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>The recorder on a test stream fed by a real clip, on a fake clock.</summary>
public sealed class RecorderTests(ClipFixture clips) : IClassFixture<ClipFixture>
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-05-01T11:59:55Z");

    private sealed class Rig : IAsyncDisposable
    {
        public TempFolder Folder { get; } = new();
        public FakeTimeProvider Time { get; } = new(Start);
        public CollectingEmitter Events { get; } = new();
        public TestMediaStream Stream { get; } = new("cam");
        public DvrRuntime Runtime { get; }
        public StreamArchive Archive { get; }
        public Recorder? Recorder { get; private set; }

        public Rig(DvrSettings? settings = null)
        {
            Runtime = new DvrRuntime(settings ?? new DvrSettings(), new DvrEvents(Events), NullLoggerFactory.Instance, Time);
            Archive = Runtime.Store.Open("cam", Path.Combine(Folder.Path, "cam"), new RetentionPolicy(TimeSpan.FromDays(1), null));
        }

        public async Task StartAsync()
        {
            await Archive.Ready;
            Recorder = new Recorder(Stream, Archive, Runtime.Settings, Runtime.Events, NullLogger.Instance, Time);
            Recorder.Start();
        }

        /// <summary>Waits until the recorder anchored its run and opened a fragment file (a .ts.part exists).</summary>
        public async Task WaitForPartAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!Directory.Exists(Archive.Folder) || !Directory.EnumerateFiles(Archive.Folder, "*.part", SearchOption.AllDirectories).Any())
            {
                Assert.True(DateTime.UtcNow < deadline, "no fragment opened");
                await Task.Delay(10);
            }
        }

        public async Task EndAsync()
        {
            Stream.End();
            await Recorder!.Completion.WaitAsync(TimeSpan.FromSeconds(20));
            await Recorder.DisposeAsync();
        }

        public void Play(Clip clip, int from, int to, long shift = 0, bool discontinuity = false) =>
            clip.PlayPaced(Stream, Time, from, to, shift, discontinuity);

        public async ValueTask DisposeAsync()
        {
            if (Recorder is not null) await Recorder.DisposeAsync();
            Folder.Dispose();
        }
    }

    [Fact]
    public async Task Fragments_are_cut_at_keyframes_every_two_seconds_contiguous_and_timed_from_the_anchor()
    {
        using var clip = Clip.Load(clips.Path10s);
        await using var rig = new Rig();
        var secondKeyframe = clip.IndexOfKeyframe(1);
        clip.Play(rig.Stream, 0, secondKeyframe); // the first GOP, as the stream's cache hands it to a new reader
        await rig.StartAsync();
        await rig.WaitForPartAsync();
        rig.Play(clip, secondKeyframe, int.MaxValue);
        await rig.EndAsync();

        var fragments = rig.Archive.Index.Between(0, long.MaxValue);
        Assert.Equal(5, fragments.Length);
        Assert.All(fragments[..^1], f => Assert.Equal(2000, f.DurationMs));
        for (var i = 1; i < fragments.Length; i++) Assert.Equal(fragments[i - 1].EndMs, fragments[i].StartMs);
        // Anchored when the cached GOP was read: its newest frame is "now", the first keyframe 0.96 s earlier.
        var expectedStart = Start.ToUnixTimeMilliseconds() - (clip.Items[secondKeyframe - 1].Frame.Dts - clip.FirstDts) / 90;
        Assert.InRange(fragments[0].StartMs, expectedStart - 50, expectedStart + 50);
        Assert.All(fragments, f => Assert.True(File.Exists(rig.Archive.PathOf(f)), f.RelativePath));
        Assert.Empty(Directory.EnumerateFiles(rig.Archive.Folder, "*.part", SearchOption.AllDirectories));

        // The recording crossed 12:00 UTC: two hour folders, each announced once.
        var blobs = rig.Events.All.Where(e => e.Name == "dvr_new_blob").Select(e => e["blob"]!).ToArray();
        Assert.Equal(["2026/05/01/11", "2026/05/01/12"], blobs);
        var announced = rig.Events.All.Where(e => e.Name == "dvr_new_fragment").ToArray();
        Assert.Equal(fragments.Select(f => f.StartMs.ToString()), announced.Select(e => e["from"]));
        Assert.Equal(fragments.Select(f => f.Bytes.ToString()), announced.Select(e => e["bytes"]));

        var probe = await Probe.ReadAsync(rig.Archive.PathOf(fragments[1]));
        probe.AssertPlayable("aac", "h264");
        Assert.InRange(probe.Duration, 1.9, 2.1);
    }

    [Fact]
    public async Task Stopped_at_once_the_recorder_still_writes_what_the_stream_had_queued_for_it()
    {
        using var clip = Clip.Load(clips.Path10s);
        await using var rig = new Rig();
        clip.Play(rig.Stream, 0, clip.IndexOfKeyframe(1));
        await rig.StartAsync();
        await rig.WaitForPartAsync();
        rig.Play(clip, clip.IndexOfKeyframe(1), int.MaxValue); // the rest in one burst: most of it waits in the recorder's queue
        rig.Stream.End();
        await rig.Recorder!.DisposeAsync(); // the host detaching the feature as the stream stops, without waiting

        var fragments = rig.Archive.Index.Between(0, long.MaxValue);
        Assert.Equal(5, fragments.Length);
        Assert.InRange(fragments.Sum(f => (long)f.DurationMs), 9900, 10100);
        Assert.Empty(Directory.EnumerateFiles(rig.Archive.Folder, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_new_source_starts_a_new_run_after_a_real_gap()
    {
        using var clip = Clip.Load(clips.Path10s);
        await using var rig = new Rig();
        var cut = clip.IndexOfKeyframe(4);
        clip.Play(rig.Stream, 0, clip.IndexOfKeyframe(1));
        await rig.StartAsync();
        await rig.WaitForPartAsync();
        rig.Play(clip, clip.IndexOfKeyframe(1), cut);
        // The source is lost for 3 s; a new one starts its own timeline from 0 again.
        rig.Time.Advance(TimeSpan.FromSeconds(3));
        rig.Play(clip, 0, clip.IndexOfKeyframe(5), discontinuity: true);
        await rig.EndAsync();

        var ranges = rig.Archive.Index.Ranges(1);
        Assert.Equal(2, ranges.Count);
        var gap = ranges[1].FromMs - ranges[0].ToMs;
        Assert.InRange(gap, 2500, 4500);
        // Nothing stretched: both runs hold what was played (4 s and 5 s), in 2 s fragments cut at keyframes.
        Assert.InRange(ranges[0].ToMs - ranges[0].FromMs, 3900, 4100);
        Assert.InRange(ranges[1].ToMs - ranges[1].FromMs, 4900, 5100);
    }

    [Fact]
    public async Task A_reader_that_falls_behind_drops_and_counts_while_the_stream_and_its_other_readers_go_on()
    {
        using var clip = Clip.Load(clips.Path10s);
        await using var rig = new Rig(new DvrSettings { ReaderCapacity = 8 });
        await using var viewer = rig.Stream.Subscribe(new StreamReaderOptions { Capacity = 100_000 });
        clip.Play(rig.Stream, 0, clip.IndexOfKeyframe(1));
        await rig.StartAsync();
        await rig.WaitForPartAsync();
        rig.Play(clip, clip.IndexOfKeyframe(1), int.MaxValue); // a burst far faster than the recorder's 8 frames of room
        await rig.EndAsync();

        Assert.True(rig.Archive.DroppedFrames > 0);
        Assert.Contains(rig.Events.All, e => e.Name == "dvr_frames_dropped");
        Assert.Equal(0, viewer.Dropped);
        Assert.Equal(clip.Items.Count(i => i.Track is null), viewer.Frames.Count);
        while (viewer.Frames.TryRead(out var f)) f.Release();
        // What was recorded is still whole fragments starting at keyframes, with the drops left as gaps.
        var fragments = rig.Archive.Index.Between(0, long.MaxValue);
        Assert.NotEmpty(fragments);
        foreach (var f in fragments.Take(3))
        {
            var probe = await Probe.ReadAsync(rig.Archive.PathOf(f));
            Assert.True(probe.Of("video").First().Key);
        }
    }
}
