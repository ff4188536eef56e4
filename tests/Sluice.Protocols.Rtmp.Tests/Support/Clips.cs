namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>
/// The media the peers publish, made once by ffmpeg: 10 s of 640x360 25 fps H.264 (a keyframe a second,
/// no B-frames) with 48 kHz stereo AAC, as FLV.
/// </summary>
public sealed class Clips : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public string Flv => _folder.File("clip.flv");

    /// <summary>4 s of 320x240 25 fps HEVC (x265, a keyframe a second, no B-frames), video only, as MP4.</summary>
    public string HevcMp4 => _folder.File("hevc.mp4");

    /// <summary>4 s of 320x240 25 fps AV1 (SVT-AV1, a keyframe a second), video only, as MP4.</summary>
    public string Av1Mp4 => _folder.File("av1.mp4");

    public async Task InitializeAsync()
    {
        var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(120), "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "10", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "25",
            "-c:a", "aac", "-ac", "2", "-f", "flv", Flv);
        if (code != 0) throw new InvalidOperationException("ffmpeg could not make the clip: " + output);
        string[] picture = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "4", "-pix_fmt", "yuv420p"];
        await MakeAsync(HevcMp4, [.. picture, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "bframes=0:keyint=25:log-level=error", "-tag:v", "hvc1"]);
        await MakeAsync(Av1Mp4, [.. picture, "-c:v", "libsvtav1", "-preset", "12", "-g", "25"]);
    }

    private static async Task MakeAsync(string path, string[] encode)
    {
        var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(120), "ffmpeg", ["-nostdin", "-v", "error", "-y", .. encode, "-f", "mp4", path]);
        if (code != 0) throw new InvalidOperationException($"ffmpeg could not make {Path.GetFileName(path)}: {output}");
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RtmpCollection : ICollectionFixture<Clips>
{
    public const string Name = "rtmp";
}
