using System.Diagnostics;
using Sluice.Sources.FFmpeg;
using Sluice.Abstractions.Frames;
using Sluice.Sources.Tests.Support;
using static Sluice.Sources.Tests.Support.Sources;

namespace Sluice.Sources.Tests;

[Collection(MediaCollection.Name)]
public sealed class FFmpegSourceTests(MediaFiles media)
{
    [Fact]
    public async Task An_hls_playlist_served_by_kestrel_is_read_by_ffmpeg_until_its_end()
    {
        await using var server = await HttpFileServer.StartAsync(media.Folder);
        var output = new CollectingSourceOutput();
        await using var source = Create(Context($"hls://{server.Authority}/hls/index.m3u8"));

        await source.RunAsync(output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(output.Violations);
        Assert.Equal(1, output.ConnectedCount);
        var video = Assert.Single(output.CurrentTracks, t => t.Codec == CodecId.H264);
        Assert.Equal((320, 180), (video.Video!.Width, video.Video.Height));
        Assert.Single(output.CurrentTracks, t => t.Codec == CodecId.Aac);
        Assert.Equal((int)(MediaFiles.Fps * MediaFiles.HlsSeconds), output.FramesOf(CodecId.H264).Count);
        Assert.Equal((int)MediaFiles.HlsSeconds, output.FramesOf(CodecId.H264).Count(f => f.IsKeyframe));
        AssertIncreasing(output.Frames);
    }

    [Fact]
    public async Task A_failing_ffmpeg_input_throws_with_ffmpegs_own_words()
    {
        await using var server = await HttpFileServer.StartAsync(media.Folder);
        await using var source = Create(Context($"hls://{server.Authority}/hls/missing.m3u8"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => source.RunAsync(new CollectingSourceOutput(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains("ffmpeg exited with code", error.Message);
        Assert.Contains("404", error.Message);
    }

    [Fact]
    public void Rtmp_inputs_are_left_to_the_rtmp_plugin()
    {
        // The RTMP plugin pulls rtmp:// and rtmps:// with its own managed client (tests/Sluice.Protocols.Rtmp.Tests).
        var factory = TestPluginBuilder.SourceTypeOf(new FFmpegSourcesPlugin());
        Assert.False(factory.Claims(new Uri("rtmp://127.0.0.1/live/cam")));
        Assert.False(factory.Claims(new Uri("rtmps://127.0.0.1/live/cam")));
        Assert.True(factory.Claims(new Uri("rtsp://127.0.0.1/cam")));
    }

    [Fact]
    public async Task An_rtsp_camera_that_refuses_the_connection_is_an_error_from_ffmpeg()
    {
        await using var source = Create(Context($"rtsp://127.0.0.1:{FreePort.Tcp()}/stream1"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => source.RunAsync(new CollectingSourceOutput(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains("Connection refused", error.Message);
    }

    [Fact]
    public async Task Ffmpeg_exits_by_itself_when_the_reading_end_of_its_pipe_closes()
    {
        // What protects the host's children when the host dies without killing them: the kernel
        // closes the read end of ffmpeg's stdout, and ffmpeg's next write fails (EPIPE).
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25",
                     "-c:v", "libx264", "-preset", "ultrafast", "-flush_packets", "1", "-f", "mpegts", "pipe:1"])
            info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        ffmpeg.StandardInput.Close();
        _ = ffmpeg.StandardError.ReadToEndAsync();
        try
        {
            var buffer = new byte[188];
            await ffmpeg.StandardOutput.BaseStream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

            ffmpeg.StandardOutput.BaseStream.Dispose();

            await ffmpeg.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.NotEqual(0, ffmpeg.ExitCode);
        }
        finally
        {
            if (!ffmpeg.HasExited) ffmpeg.Kill(entireProcessTree: true);
        }
    }
}
