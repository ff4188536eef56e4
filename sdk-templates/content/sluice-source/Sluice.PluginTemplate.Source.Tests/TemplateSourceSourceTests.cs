using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Testing;

namespace Sluice.PluginTemplate.Source.Tests;

public sealed class TemplateSourceSourceTests : IDisposable
{
    private static readonly TimeSpan PlayFor = TimeSpan.FromSeconds(6);

    private readonly string _configDirectory = Directory.CreateTempSubdirectory("templatesource-tests-").FullName;
    private readonly IMediaSourceFactory _factory = new TemplateSourceSourceFactory();

    public void Dispose() => Directory.Delete(_configDirectory, recursive: true);

    [Fact]
    public void Factory_Should_Claim_Only_Its_Own_Scheme()
    {
        Assert.Equal(["templatesource"], _factory.Schemes);
        Assert.True(_factory.Claims(new Uri("templatesource://media/clip.ts")));
        Assert.False(_factory.Claims(new Uri("file:///media/clip.ts")));
        Assert.False(_factory.Claims(new Uri("udp://239.0.0.1:1234")));
    }

    [Fact]
    public void Validate_Should_Report_A_Missing_Path_At_The_Input()
    {
        var context = Context("templatesource://");

        _factory.Validate(context);

        var error = Assert.Single(Reported(context).Errors);
        Assert.Equal(context.Location, error.Location);
        Assert.Contains("needs a file path", error.Message);
    }

    [Fact]
    public void Validate_Should_Accept_A_Path_Relative_To_The_Config_Folder()
    {
        foreach (var url in (string[])["templatesource://media/clip.ts", "templatesource:///srv/media/clip.ts"])
        {
            var context = Context(url);
            _factory.Validate(context);
            Assert.Empty(Reported(context).Items);
        }
    }

    [Fact]
    public async Task Source_Should_Play_The_File_In_Real_Time_In_A_Loop_With_Timestamps_That_Keep_Growing()
    {
        await SampleTs.MakeAsync(Path.Combine(_configDirectory, "clip.ts"));
        using var output = new CollectingSourceOutput(retainFrames: true);
        await using var source = _factory.Create(Context("templatesource://clip.ts"));

        // The source plays until the stream stops it: cancellation is its only way out of a healthy file.
        using var stop = new CancellationTokenSource(PlayFor);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.RunAsync(output, stop.Token));
        Assert.True(DateTime.UtcNow - started < PlayFor + TimeSpan.FromSeconds(2), "the source did not stop promptly when cancelled");

        Assert.Empty(output.Violations); // no frame before Connected or its track, no empty or non-Annex-B payload
        Assert.NotNull(output.ConnectedAt);

        // Each track's configuration is announced once, although every pass over the file finds it again.
        var configured = output.Tracks.Where(t => t.Video is not null || t.Audio is not null).ToList();
        Assert.Equal(2, configured.Count);
        Assert.Equal(2, output.Tracks.Select(t => t.TrackId).Distinct().Count());
        var video = Assert.Single(configured, t => t.Codec == CodecId.H264);
        Assert.Equal((320, 240), (video.Video!.Width, video.Video.Height));
        var audio = Assert.Single(configured, t => t.Codec == CodecId.Aac);
        Assert.True(audio.Audio!.SampleRate > 0);

        var videoFrames = output.Frames.Where(f => f.TrackId == video.TrackId).ToList();
        var audioFrames = output.Frames.Where(f => f.TrackId == audio.TrackId).ToList();
        Assert.NotEmpty(audioFrames);

        // Timestamps grow on every track, across the loop point as well.
        foreach (var frames in new[] { videoFrames, audioFrames })
        {
            for (var i = 1; i < frames.Count; i++)
            {
                Assert.True(frames[i].Dts > frames[i - 1].Dts, $"DTS went back: {frames[i - 1]} then {frames[i]}");
                Assert.True(frames[i].Pts >= frames[i].Dts, $"PTS before DTS: {frames[i]}");
            }
        }

        // Played past the end of the 2 s file, without a gap worth mentioning at the loop point (25 fps: 3600 ticks
        // a frame). A pass lasts as long as its longest track: ffmpeg's AAC ends about a frame after the video.
        var videoSpan = Timestamps.ToTimeSpan(videoFrames[^1].Dts - videoFrames[0].Dts);
        Assert.True(videoSpan > SampleTs.Duration, $"only {videoSpan.TotalSeconds:F2}s of video in {PlayFor.TotalSeconds}s: the file was not looped");
        for (var i = 1; i < videoFrames.Count; i++)
        {
            Assert.InRange(videoFrames[i].Dts - videoFrames[i - 1].Dts, 3600, 3 * 3600);
        }
        Assert.True(videoFrames[0].IsKeyframe);
        Assert.True(videoFrames.Count(f => f.IsKeyframe) >= 3, "the second pass should start on a keyframe like the first");

        // Real time: no frame comes before its DTS says, and the source keeps up. "Before" allows for the first
        // frame itself being handed on late by a loaded machine (the pacer pins its clock just before it);
        // "keeps up" is bounded loosely (40% of the wall clock); a source that does not pace fails both by far.
        foreach (var frame in videoFrames)
        {
            var due = Timestamps.ToTimeSpan(frame.Dts - videoFrames[0].Dts);
            Assert.True(frame.At - videoFrames[0].At >= due - TimeSpan.FromMilliseconds(150),
                $"{frame} came {(due - (frame.At - videoFrames[0].At)).TotalMilliseconds:F0} ms early");
        }
        Assert.True(videoSpan > PlayFor * 0.4, $"only {videoSpan.TotalSeconds:F2}s of video in {PlayFor.TotalSeconds}s: too slow");

        // The payloads the output kept are intact after the source let go: it released only its own references.
        var kept = output.RetainedFrames;
        Assert.Equal(output.Frames.Count, kept.Count);
        Assert.All(kept.Where(f => f.TrackId == video.TrackId), f => Assert.True(
            f.Data.StartsWith((byte[])[0, 0, 1]) || f.Data.StartsWith((byte[])[0, 0, 0, 1]), $"not Annex-B: {f}"));
        Assert.All(kept.Where(f => f.TrackId == audio.TrackId), f => Assert.False(f.Data.IsEmpty));
    }

    [Fact]
    public async Task Source_Should_Fail_Clearly_Without_Connecting_When_The_File_Is_Missing()
    {
        using var output = new CollectingSourceOutput();
        await using var source = _factory.Create(Context("templatesource://nowhere/clip.ts"));

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => source.RunAsync(output, limit.Token));

        Assert.Contains(Path.Combine(_configDirectory, "nowhere", "clip.ts"), error.Message);
        Assert.Null(output.ConnectedAt);
    }

    [Fact]
    public async Task Source_Should_Fail_Clearly_When_The_File_Holds_No_Frames()
    {
        await File.WriteAllTextAsync(Path.Combine(_configDirectory, "notes.ts"), "not a transport stream\n");
        using var output = new CollectingSourceOutput();
        await using var source = _factory.Create(Context("templatesource://notes.ts"));

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => source.RunAsync(output, limit.Token));

        Assert.Contains("holds no frames", error.Message);
        Assert.Empty(output.Frames);
    }

    /// <summary><c>stream tests { input URL; }</c> in test.conf, as the host hands it over.</summary>
    private SourceContext Context(string url) => TestContexts.Source(url, stream: "tests", configDirectory: _configDirectory);

    private static DiagnosticList Reported(SourceContext context) => (DiagnosticList)context.Diagnostics;
}
