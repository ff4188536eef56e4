using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Tests.Support;

/// <summary>Records clips with a real recorder into <c>FOLDER</c> on a fake clock, as a stream with a <c>dvr</c> line would, then stops.</summary>
internal static class Recordings
{
    /// <summary>
    /// Records each clip as one run of the stream (a new source: its own timeline), <paramref name="gap"/> of silence in between;
    /// the recording ends a minute before now. Returns the fragments recorded.
    /// </summary>
    public static async Task<Fragment[]> RecordAsync(string folder, string name, TimeSpan gap, params Clip[] runs)
    {
        var total = runs.Sum(c => (c.LastDts - c.FirstDts) / 90_000.0 + 1) + gap.TotalSeconds * (runs.Length - 1);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddSeconds(-60 - total));
        var runtime = new DvrRuntime(new DvrSettings(), new DvrEvents(null), NullLoggerFactory.Instance, time);
        var archive = runtime.Store.Open(name, folder, new RetentionPolicy(TimeSpan.FromDays(1), null));
        await archive.Ready;
        var stream = new TestMediaStream(name);
        var first = runs[0];
        first.Play(stream, 0, first.IndexOfKeyframe(1)); // the first GOP, as the stream's cache hands it to a new reader
        var recorder = new Sluice.Dvr.Recording.Recorder(stream, archive, runtime.Settings, runtime.Events, NullLogger.Instance, time);
        recorder.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Directory.Exists(archive.Folder) || !Directory.EnumerateFiles(archive.Folder, "*.part", SearchOption.AllDirectories).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "no fragment opened");
            await Task.Delay(10);
        }
        first.PlayPaced(stream, time, first.IndexOfKeyframe(1));
        foreach (var clip in runs.Skip(1))
        {
            time.Advance(gap);
            clip.PlayPaced(stream, time, discontinuity: true);
        }
        stream.End();
        await recorder.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        await recorder.DisposeAsync();
        return archive.Index.Between(0, long.MaxValue);
    }
}
