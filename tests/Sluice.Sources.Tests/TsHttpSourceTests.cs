using System.Net.Http;
using Sluice.Abstractions.Frames;
using Sluice.Sources.Tests.Support;
using static Sluice.Sources.Tests.Support.Sources;

namespace Sluice.Sources.Tests;

[Collection(MediaCollection.Name)]
public sealed class TsHttpSourceTests(MediaFiles media)
{
    [Theory]
    [InlineData("tshttp://{0}/clip.ts")]
    [InlineData("http://{0}/clip.ts")]
    public async Task An_http_mpegts_body_is_demuxed_and_its_end_ends_the_input(string pattern)
    {
        await using var server = await HttpFileServer.StartAsync(media.Folder);
        var output = new CollectingSourceOutput();
        await using var source = Create(Context(string.Format(pattern, server.Authority)));

        await source.RunAsync(output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(output.Violations);
        Assert.Equal(1, output.ConnectedCount);
        var video = Assert.Single(output.CurrentTracks, t => t.Codec == CodecId.H264);
        Assert.Equal((320, 180), (video.Video!.Width, video.Video.Height));
        Assert.Single(output.CurrentTracks, t => t.Codec == CodecId.Aac);
        Assert.Equal((int)(MediaFiles.Fps * MediaFiles.ClipSeconds), output.FramesOf(CodecId.H264).Count);
        AssertIncreasing(output.Frames);
    }

    [Fact]
    public async Task A_non_2xx_answer_is_an_error_naming_the_status()
    {
        await using var server = await HttpFileServer.StartAsync(media.Folder);
        var output = new CollectingSourceOutput();
        await using var source = Create(Context($"tshttp://{server.Authority}/status/503"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => source.RunAsync(output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("503", error.Message);
        Assert.Equal(0, output.ConnectedCount);
    }

    [Fact]
    public async Task Random_bytes_never_crash_the_source_and_yield_no_frames()
    {
        await using var server = await HttpFileServer.StartAsync(media.Folder);
        var output = new CollectingSourceOutput();
        await using var source = Create(Context($"tshttp://{server.Authority}/garbage.ts"));

        await source.RunAsync(output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, output.ConnectedCount);
        Assert.Empty(output.Frames);
        Assert.Empty(output.Violations);
    }

    [Fact]
    public async Task A_refused_connection_fails_quickly()
    {
        var port = FreePort.Tcp();
        await using var source = Create(Context($"tshttp://127.0.0.1:{port}/x.ts"));
        await Assert.ThrowsAsync<HttpRequestException>(() => source.RunAsync(new CollectingSourceOutput(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("http://h/live/ch1.ts", "tshttp")]
    [InlineData("https://h/mpegts?token=1", "tshttp")]
    [InlineData("tshttp://h/ch1", "tshttp")]
    [InlineData("http://h/live/index.m3u8", "ffmpeg")]
    [InlineData("hls://h/live/index.m3u8", "ffmpeg")]
    [InlineData("rtsp://cam/stream1", "ffmpeg")]
    [InlineData("udp://239.1.1.1:1234", "udp")]
    [InlineData("file://vod/bunny.mp4", "file")]
    [InlineData("fake://fake", "fake")]
    public void Each_input_url_is_claimed_by_exactly_one_source(string url, string name)
    {
        Assert.Equal(name, FactoryFor(url).Name);
    }
}
