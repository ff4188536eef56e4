using Xunit.Abstractions;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Sources.Tests.Support;
using static Sluice.Sources.Tests.Support.Sources;

namespace Sluice.Sources.Tests;

[Collection(MediaCollection.Name)]
public sealed class FileSourceTests(MediaFiles media, ITestOutputHelper log)
{
    private const long FrameTicks = Timestamps.ClockRate / MediaFiles.Fps;
    private const long AudioFrameTicks = 1024 * Timestamps.ClockRate / 48000;

    [Fact]
    public async Task A_ts_file_relative_to_the_config_folder_plays_in_real_time_and_loops_with_increasing_timestamps()
    {
        var output = new CollectingSourceOutput();
        var source = Create(Context("file://clip.ts", configDirectory: media.Folder));

        await RunUntilAsync(source, output, o => o.VideoSeconds() >= 2.6, TimeSpan.FromSeconds(15), "three passes of a 1 s file");

        AssertLoopedSmoothly(output);
        var (mediaSeconds, wall) = Pace(output.FramesOf(CodecId.H264));
        log.WriteLine($"file .ts: {mediaSeconds:0.000} s of media in {wall:0.000} s wall (ratio {mediaSeconds / wall:0.000})");
        Assert.InRange(mediaSeconds / wall, 0.5, 1.15); // never faster than real time; slower only under load
    }

    [Fact]
    public async Task An_mp4_file_is_remuxed_by_ffmpeg_and_loops_with_increasing_timestamps()
    {
        var output = new CollectingSourceOutput();
        var source = Create(Context("file://" + media.ClipMp4));

        await RunUntilAsync(source, output, o => o.VideoSeconds() >= 2.6, TimeSpan.FromSeconds(15), "three passes of a 1 s mp4");

        AssertLoopedSmoothly(output);
        var (mediaSeconds, wall) = Pace(output.FramesOf(CodecId.H264));
        log.WriteLine($"file .mp4 via ffmpeg: {mediaSeconds:0.000} s of media in {wall:0.000} s wall (ratio {mediaSeconds / wall:0.000})");
        Assert.InRange(mediaSeconds / wall, 0.5, 1.2); // never faster than real time; slower only under load
    }

    [Fact]
    public async Task A_missing_file_is_reported_with_its_path()
    {
        var context = Context("file://vod/none.mp4", configDirectory: media.Folder);
        var factory = FactoryFor(context.Spec);
        var expected = Path.Combine(media.Folder, "vod", "none.mp4");

        // Not a configuration error (the file may arrive later): a warning at check time, a failure when played.
        var reported = Check(context);
        Assert.Empty(reported.Errors);
        Assert.Contains(reported.Warnings, w => w.Message.Contains(expected) && w.Location == context.Location);
        await using var source = factory.Create(context);
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => source.RunAsync(new CollectingSourceOutput(), CancellationToken.None));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_ts_file_without_media_fails_instead_of_spinning()
    {
        var path = Path.Combine(media.Folder, "empty.ts");
        await File.WriteAllBytesAsync(path, new byte[188 * 50]);
        await using var source = Create(Context("file://" + path));
        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => source.RunAsync(new CollectingSourceOutput(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("no H.264", error.Message);
    }

    [Fact]
    public async Task A_ts_file_with_a_single_frame_fails_instead_of_looping_at_full_speed()
    {
        var path = Path.Combine(media.Folder, "one-frame.ts");
        var clip = await File.ReadAllBytesAsync(media.ClipTs);
        // PAT, PMT and the packets of the first video access unit (the demuxer flushes it at the end of the pass).
        var packets = new List<byte[]>();
        var videoStarts = 0;
        for (var i = 0; i + 188 <= clip.Length && videoStarts < 2; i += 188)
        {
            var pid = ((clip[i + 1] & 0x1F) << 8) | clip[i + 2];
            if (pid == 0x100 && (clip[i + 1] & 0x40) != 0 && ++videoStarts == 2) break;
            if (pid is 0 or 0x1000 or 0x100) packets.Add(clip[i..(i + 188)]);
        }
        await File.WriteAllBytesAsync(path, packets.SelectMany(p => p).ToArray());
        await using var source = Create(Context("file://" + path));

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => source.RunAsync(new CollectingSourceOutput(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("too short", error.Message);
    }

    /// <summary>Three or more passes: each track announced once, DTS increasing with one frame step, also across the loop point.</summary>
    private static void AssertLoopedSmoothly(CollectingSourceOutput output)
    {
        Assert.Empty(output.Violations);
        Assert.Equal(1, output.ConnectedCount);
        Assert.Equal(2, output.CurrentTracks.Count);
        Assert.True(output.Tracks.Count <= 4, $"{output.Tracks.Count} track announcements: the loop repeats them");
        var video = output.FramesOf(CodecId.H264);
        Assert.True(video.Count >= 2 * MediaFiles.Fps + 10, $"{video.Count} video frames");
        AssertIncreasing(output.Frames);
        // One frame step, except at a loop point: a pass lasts as long as the file's longest track, so
        // the shorter one (video here: AAC has 47 frames of 1024 samples plus priming in 1 s) gets a gap of a few audio frames.
        Assert.All(video.Skip(1).Zip(video), pair => Assert.InRange(pair.First.Dts - pair.Second.Dts, FrameTicks, FrameTicks + 3 * AudioFrameTicks));
        Assert.True(video.Skip(1).Zip(video).Count(p => p.First.Dts - p.Second.Dts == FrameTicks) >= video.Count - 1 - video.Count / MediaFiles.Fps - 1);
        var keyframes = video.Where(f => f.IsKeyframe).ToList();
        Assert.True(keyframes.Count >= 3, $"{keyframes.Count} keyframes");
        Assert.All(keyframes.Skip(1).Zip(keyframes), pair => Assert.InRange(pair.First.Dts - pair.Second.Dts, MediaFiles.Fps * FrameTicks, MediaFiles.Fps * FrameTicks + 3 * AudioFrameTicks));
        var audio = output.FramesOf(CodecId.Aac);
        Assert.True(audio.Count > 80, $"{audio.Count} audio frames");
        // Audio keeps up with video across loops (no drift between the tracks' timelines).
        Assert.InRange((audio[^1].Dts - video[^1].Dts) / (double)Timestamps.ClockRate, -0.5, 0.5);
    }
}
