using Xunit.Abstractions;
using Sluice.Abstractions.Frames;
using Sluice.Sources.Tests.Support;
using static Sluice.Sources.Tests.Support.Sources;

namespace Sluice.Sources.Tests;

[Collection(MediaCollection.Name)]
public sealed class FakeSourceTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Fake_source_delivers_h264_640x360_and_aac_in_real_time_with_a_keyframe_every_two_seconds()
    {
        var output = new CollectingSourceOutput();
        var source = Create(Context("fake://demo"));

        await RunUntilAsync(source, output, o => o.VideoSeconds() >= 4.2, TimeSpan.FromSeconds(25), "4.2 s of fake video");

        Assert.Empty(output.Violations);
        Assert.Equal(1, output.ConnectedCount);
        var video = Assert.Single(output.CurrentTracks, t => t.Codec == CodecId.H264);
        Assert.Equal(640, video.Video!.Width);
        Assert.Equal(360, video.Video.Height);
        Assert.NotEmpty(video.Video.Sps);
        var audio = Assert.Single(output.CurrentTracks, t => t.Codec == CodecId.Aac);
        Assert.Equal(48000, audio.Audio!.SampleRate);
        Assert.Equal(2, audio.Audio.Channels);

        var frames = output.FramesOf(CodecId.H264);
        AssertIncreasing(output.Frames);
        Assert.All(frames.Skip(1).Zip(frames), pair => Assert.Equal(Timestamps.ClockRate / 25, pair.First.Dts - pair.Second.Dts));
        var keyframes = frames.Where(f => f.IsKeyframe).ToList();
        Assert.True(keyframes.Count >= 2, $"{keyframes.Count} keyframes");
        Assert.All(keyframes.Skip(1).Zip(keyframes), pair => Assert.Equal(2 * Timestamps.ClockRate, pair.First.Dts - pair.Second.Dts));
        Assert.NotEmpty(output.FramesOf(CodecId.Aac));

        var (media, wall) = Pace(frames);
        log.WriteLine($"fake: {media:0.000} s of media in {wall:0.000} s wall (ratio {media / wall:0.000}), first frame after {frames[0].At.TotalMilliseconds:0} ms, {keyframes.Count} keyframes");
        // Never faster than real time; slower only by what a loaded machine adds (the suite runs projects in parallel).
        Assert.InRange(media / wall, 0.5, 1.15);
    }

    [Fact]
    public async Task Fake_source_options_set_picture_size_and_frame_rate()
    {
        var output = new CollectingSourceOutput();
        var source = Create(Context("fake://small?size=320x240&fps=10", options: new Dictionary<string, string> { ["bitrate"] = "300k" }));

        await RunUntilAsync(source, output, o => o.FramesOf(CodecId.H264).Count >= 5, TimeSpan.FromSeconds(20), "5 small frames");

        var video = Assert.Single(output.CurrentTracks, t => t.Codec == CodecId.H264);
        Assert.Equal((320, 240), (video.Video!.Width, video.Video.Height));
        var frames = output.FramesOf(CodecId.H264);
        Assert.Equal(Timestamps.ClockRate / 10, frames[1].Dts - frames[0].Dts);
    }

    [Theory]
    [InlineData("size=641x360")]
    [InlineData("size=big")]
    [InlineData("fps=0")]
    [InlineData("bitrate=fast")]
    public void Bad_fake_options_are_reported_at_configuration_time(string option)
    {
        var error = Assert.Single(Check(Context($"fake://bad?{option}")).Errors);
        Assert.Contains(option.Split('=')[0], error.Message);

        // Written on the input line, the error points at the option itself.
        var (key, value) = (option.Split('=')[0], option.Split('=')[1]);
        var onLine = Context("fake://bad", options: new Dictionary<string, string> { [key] = value });
        var located = Assert.Single(Check(onLine).Errors);
        Assert.Equal(onLine.Options.Single().Location, located.Location);
    }

    [Fact]
    public async Task Cancelling_the_source_kills_its_ffmpeg_child()
    {
        var marker = "kill" + Guid.NewGuid().ToString("N")[..8];
        var output = new CollectingSourceOutput();
        var source = Create(Context($"fake://{marker}"));
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => source.RunAsync(output, stop.Token));
        await output.WaitUntilAsync(o => o.Frames.Count > 0, TimeSpan.FromSeconds(15), "first frame");
        var pid = Assert.Single(ChildProcesses.WithMarker(marker));

        stop.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await ChildProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(5)), $"ffmpeg {pid} still alive");
        await source.DisposeAsync();
    }

    [Fact]
    public async Task Disposing_a_running_source_kills_its_ffmpeg_child_and_ends_the_run()
    {
        var marker = "dispose" + Guid.NewGuid().ToString("N")[..8];
        var output = new CollectingSourceOutput();
        var source = Create(Context($"fake://{marker}"));
        var run = Task.Run(() => source.RunAsync(output, CancellationToken.None));
        await output.WaitUntilAsync(o => o.Frames.Count > 0, TimeSpan.FromSeconds(15), "first frame");
        var pid = Assert.Single(ChildProcesses.WithMarker(marker));

        await source.DisposeAsync();

        Assert.True(await ChildProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(5)), $"ffmpeg {pid} still alive");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("ffmpeg exited", error.Message);
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_a_clear_error()
    {
        var source = Create(Context("fake://x", options: new Dictionary<string, string> { ["ffmpeg"] = "/nonexistent/ffmpeg" }));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => source.RunAsync(new CollectingSourceOutput(), CancellationToken.None));
        Assert.Contains("/nonexistent/ffmpeg", error.Message);
    }
}
