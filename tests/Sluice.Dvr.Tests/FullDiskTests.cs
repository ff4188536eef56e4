using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Streams;
using Sluice.Dvr.Archive;
using Sluice.Dvr.Recording;
using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>A real small filesystem (a tmpfs mounted for the test; needs root, as the tests run here and in CI) filling up under the recorder.</summary>
public sealed class FullDiskTests(ClipFixture clips) : IClassFixture<ClipFixture>
{
    [Fact]
    public async Task A_full_disk_stops_writing_with_an_event_the_stream_goes_on_and_writing_resumes_when_space_returns()
    {
        using var tmp = new TempFolder();
        var mount = Path.Combine(tmp.Path, "disk");
        Directory.CreateDirectory(mount);
        var mounted = await Tools.RunAsync("mount", TimeSpan.FromSeconds(20), "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount);
        Assert.True(mounted.ExitCode == 0, $"this test mounts a 4 MB tmpfs and needs root: {mounted.StdErr}");
        try
        {
            using var clip = Clip.Load(clips.Path10s);
            var clipBytes = new FileInfo(clips.Path10s).Length;
            // Leave room for about a fifth of the clip: the first fragments fit, then the disk is full.
            var filler = Path.Combine(mount, "filler");
            await File.WriteAllBytesAsync(filler, new byte[Math.Max(0, (4 << 20) - clipBytes / 5 - 16384)]);

            var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-05-01T12:00:00Z"));
            var events = new CollectingEmitter();
            var settings = new DvrSettings { RetryInterval = TimeSpan.FromSeconds(3) };
            var runtime = new DvrRuntime(settings, new DvrEvents(events), NullLoggerFactory.Instance, time);
            var archive = runtime.Store.Open("cam", Path.Combine(mount, "cam"), new RetentionPolicy(TimeSpan.FromDays(1), null));
            await archive.Ready;
            var stream = new TestMediaStream("cam");
            await using var viewer = stream.Subscribe(new StreamReaderOptions { Capacity = 100_000 });
            clip.Play(stream, 0, clip.IndexOfKeyframe(1));
            var recorder = new Recorder(stream, archive, settings, runtime.Events, NullLogger.Instance, time);
            recorder.Start();
            await Until(() => Directory.Exists(archive.Folder) && Directory.EnumerateFiles(archive.Folder, "*.part", SearchOption.AllDirectories).Any(), "a fragment opened");
            clip.PlayPaced(stream, time, clip.IndexOfKeyframe(1));
            await events.WaitFor("dvr_write_failed", "cam", timeoutMs: 20_000);
            var failed = events.All.Single(e => e.Name == "dvr_write_failed");
            Assert.Contains("space", failed["error"], StringComparison.OrdinalIgnoreCase);
            Assert.NotNull(archive.WriteError);
            var before = archive.Index.Count;
            Assert.True(before >= 1, "what fit was recorded");
            Assert.Empty(Directory.EnumerateFiles(archive.Folder, "*.part", SearchOption.AllDirectories)); // the cut-off fragment was not kept half-written

            // Space returns; the source goes on (a second pass of the clip continuing its timeline).
            File.Delete(filler);
            var shift = clip.LastDts - clip.FirstDts + 3600;
            clip.PlayPaced(stream, time, shift: shift);
            stream.End();
            await recorder.Completion.WaitAsync(TimeSpan.FromSeconds(20));
            await recorder.DisposeAsync();

            Assert.True(archive.Index.Count >= before + 2, $"recording resumed: {before} then {archive.Index.Count} fragments");
            Assert.Contains(events.All, e => e.Name == "dvr_write_resumed");
            Assert.Null(archive.WriteError);
            // Recorded up to the end once space returned (the retries in between may have fit a fragment or two
            // into the space the deleted half-written fragment left); what could not be written is a gap.
            Assert.InRange(archive.Index.Last!.Value.EndMs, time.GetUtcNow().ToUnixTimeMilliseconds() - 2500, time.GetUtcNow().ToUnixTimeMilliseconds() + 500);
            Assert.True(archive.Index.Ranges(1).Count >= 2);
            // The stream and its other reader never noticed.
            Assert.Equal(0, viewer.Dropped);
            Assert.Equal(2 * clip.Items.Count(i => i.Track is null), viewer.Frames.Count);
            while (viewer.Frames.TryRead(out var f)) f.Release();
        }
        finally
        {
            await Tools.RunAsync("umount", TimeSpan.FromSeconds(20), "-l", mount);
        }
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }
}
