using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

[Collection(HlsCollection.Name)]
public sealed class LiveMpegTsTests(HlsFixture fixture)
{
    [Fact]
    public async Task Ffmpeg_reads_the_live_mpegts_for_3_seconds_without_errors()
    {
        var result = await ExternalTool.RunAsync("ffmpeg",
            ["-hide_banner", "-nostdin", "-v", "error", "-i", $"{fixture.Host.BaseUrl}/cam1/mpegts", "-t", "3", "-f", "null", "-"],
            TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.StandardError.Trim());
        // Paced by the source: 3 s of media take about 3 s (the GOP cache gives up to 1 s at once).
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_mpegts_viewer_starts_on_a_keyframe_and_its_continuity_counters_never_jump()
    {
        var received = await TsReceiver.ReadAsync(fixture.Host.Client, "/cam1/mpegts", TimeSpan.FromSeconds(3));

        Assert.True(received.FirstVideoWasKeyframe);
        Assert.Equal(0, received.ContinuityErrors);
        Assert.InRange(received.VideoFrames, 60, 110); // ~25 fps for 3 s, plus at most the cached GOP
        Assert.InRange(received.AudioFrames, 100, 250);   // AAC 48 kHz: 46.9 frames/s
    }

    [Fact]
    public async Task A_viewer_that_never_reads_does_not_delay_a_normal_viewer()
    {
        var droppedBefore = fixture.Cam.DroppedByReaders;
        using var stalled = new TcpClient { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(IPAddress.Loopback, fixture.Host.Port);
        var request = Encoding.ASCII.GetBytes($"GET /cam1/mpegts HTTP/1.1\r\nHost: 127.0.0.1:{fixture.Host.Port}\r\nUser-Agent: stalled\r\n\r\n");
        await stalled.GetStream().WriteAsync(request);
        await Task.Delay(1000); // the stalled viewer's reader is subscribed and its socket fills up

        var normal = await TsReceiver.ReadAsync(fixture.Host.Client, "/cam1/mpegts", TimeSpan.FromSeconds(6));

        Assert.Equal(0, normal.ContinuityErrors);
        Assert.InRange(normal.VideoFrames, 130, 190); // real time: 25 fps for 6 s (+ up to one cached GOP)
        // Frames keep arriving all along: the viewer's largest gap is the source's own jitter (a machine
        // shared with busy builds delays timers), not a wait on the stalled viewer.
        var arrivals = normal.VideoArrivals;
        var largest = Stopwatch.GetElapsedTime(0, arrivals.Zip(arrivals.Skip(1), (a, b) => b - a).Max());
        var source = fixture.Cam.LargestSourceGap(arrivals[0] - Stopwatch.Frequency, arrivals[^1]);
        Console.WriteLine($"normal viewer: {normal.VideoFrames} video frames in 6 s, largest gap {largest.TotalMilliseconds:0} ms (source {source.TotalMilliseconds:0} ms)");
        Assert.True(largest < source + TimeSpan.FromMilliseconds(300), $"largest gap {largest}, the source's {source}");
        // Meanwhile the stalled viewer's own reader overflows (once the socket buffers are full) and drops.
        var clock = Stopwatch.StartNew();
        while (fixture.Cam.DroppedByReaders == droppedBefore && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(200);
        Assert.True(fixture.Cam.DroppedByReaders > droppedBefore, "the stalled viewer's reader should have dropped frames");
        Console.WriteLine($"stalled viewer: drops began {clock.Elapsed.TotalSeconds:0.0} s after the normal viewer finished");
    }
}
