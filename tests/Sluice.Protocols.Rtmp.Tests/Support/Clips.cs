namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>
/// The media the peers publish, made once by ffmpeg: 10 s of 640x360 25 fps H.264 (a keyframe a second,
/// no B-frames) with 48 kHz stereo AAC, as FLV.
/// </summary>
public sealed class Clips : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public string Flv => _folder.File("clip.flv");

    public async Task InitializeAsync()
    {
        var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(120), "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "10", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "25",
            "-c:a", "aac", "-ac", "2", "-f", "flv", Flv);
        if (code != 0) throw new InvalidOperationException("ffmpeg could not make the clip: " + output);
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
