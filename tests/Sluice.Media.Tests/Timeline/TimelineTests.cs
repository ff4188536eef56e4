using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.Timeline;

namespace Sluice.Media.Tests.Timeline;

/// <summary>The shared timeline and pacer every file and ffmpeg source runs its frames through.</summary>
public sealed class TimelineTests
{
    private static readonly TrackInfo Video = new() { TrackId = 256, Codec = CodecId.H264 };
    private static readonly TrackInfo Audio = new() { TrackId = 257, Codec = CodecId.Aac };

    [Fact]
    public void A_big_step_back_rebases_every_track_after_the_furthest_frame()
    {
        var output = Connected();
        var timeline = new TimelineSink(output);
        timeline.OnTrack(Video);
        timeline.OnTrack(Audio);
        for (var i = 0; i < 50; i++) Send(timeline, Video, 126_000 + i * 3600);
        for (var i = 0; i < 47; i++) Send(timeline, Audio, 126_000 + i * 1920);
        var end = timeline.End;

        Send(timeline, Video, 126_000);  // the input starts over (a loop, a restarted encoder)
        Send(timeline, Audio, 126_000);
        Send(timeline, Video, 129_600);

        var frames = output.Frames;
        Assert.Equal(end, frames[^3].Dts);
        Assert.True((frames[^3].Flags & FrameFlags.Discontinuity) != 0);
        Assert.Equal(end, frames[^2].Dts);
        Assert.Equal(end + 3600, frames[^1].Dts);
        Assert.Equal(1, timeline.Rebases);
        foreach (var track in frames.GroupBy(f => f.TrackId))
        {
            var list = track.ToList();
            for (var i = 1; i < list.Count; i++) Assert.True(list[i].Dts > list[i - 1].Dts, $"track {track.Key}: dts {list[i].Dts} after {list[i - 1].Dts}");
        }
    }

    [Fact]
    public void A_small_step_back_is_nudged_forward_without_a_rebase()
    {
        var output = Connected();
        var timeline = new TimelineSink(output);
        timeline.OnTrack(Video);
        Send(timeline, Video, 10_000);
        Send(timeline, Video, 9_000);

        Assert.Equal(10_001, output.Frames[^1].Dts);
        Assert.Equal(0, timeline.Rebases);
    }

    [Fact]
    public void The_offset_shifts_dts_and_pts_alike()
    {
        var output = Connected();
        var timeline = new TimelineSink(output) { Offset = 90_000 };
        timeline.OnTrack(Video);
        Send(timeline, Video, 1_000, pts: 4_600);

        Assert.Equal((91_000, 94_600), (output.Frames[0].Dts, output.Frames[0].Pts));
    }

    [Fact]
    public void A_track_announced_again_unchanged_or_without_its_configuration_is_not_forwarded()
    {
        var output = Connected();
        var timeline = new TimelineSink(output);
        var configured = Video with { Video = new VideoConfig { Width = 640, Height = 360, Sps = [0x67, 1], Pps = [0x68, 2] } };
        timeline.OnTrack(Video);
        timeline.OnTrack(configured);
        timeline.OnTrack(Video);                                                      // next pass: PMT first
        timeline.OnTrack(configured with { Video = configured.Video with { Sps = [0x67, 1] } });  // same bytes, new arrays
        timeline.OnTrack(configured with { Video = configured.Video with { Width = 1280, Sps = [0x67, 9] } });

        Assert.Equal(3, output.Tracks.Count);
        Assert.Equal(1280, output.Tracks[^1].Video!.Width);
    }

    [Fact]
    public async Task The_pacer_holds_frames_until_their_dts_is_due()
    {
        var clock = new FakeTimeProvider();
        var pacer = new RealTimePacer(clock);
        pacer.Observe(1_000_000);
        await pacer.WaitAsync(CancellationToken.None);  // the first frame pins the timeline
        pacer.Observe(1_000_000 + 20 * 3600L);          // 25 fps: 20 frames later = 0.8 s

        var wait = pacer.WaitAsync(CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(790));
        Assert.False(wait.IsCompleted, "released 10 ms early");
        clock.Advance(TimeSpan.FromMilliseconds(10));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_pacer_repins_on_a_jump_instead_of_sleeping_for_it()
    {
        var clock = new FakeTimeProvider();
        var pacer = new RealTimePacer(clock);
        pacer.Observe(0);
        pacer.Observe(3600L * 25 * 60);  // one minute ahead
        var wait = pacer.WaitAsync(CancellationToken.None);
        Assert.True(wait.IsCompleted, "waited for a timeline jump instead of re-pinning");
        await wait;
    }

    [Fact]
    public async Task The_pacer_does_not_wait_for_frames_already_due()
    {
        var clock = new FakeTimeProvider();
        var pacer = new RealTimePacer(clock);
        pacer.Observe(0);
        clock.Advance(TimeSpan.FromSeconds(1));
        pacer.Observe(90_000);  // due exactly now
        var wait = pacer.WaitAsync(CancellationToken.None);
        Assert.True(wait.IsCompleted);
        await wait;
    }

    private static CollectingSourceOutput Connected()
    {
        var output = new CollectingSourceOutput();
        output.Connected();
        return output;
    }

    private static void Send(TimelineSink timeline, TrackInfo track, long dts, long? pts = null)
    {
        using var payload = RentedBuffer.CopyOf(track.Codec == CodecId.H264 ? [0, 0, 0, 1, 0x65, 0x88] : [0x21, 0x10]);
        timeline.OnFrame(new MediaFrame(track.TrackId, track.Codec, dts, pts ?? dts, FrameFlags.Keyframe, payload));
    }
}
