namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>Media made by the real ffmpeg once per test run.</summary>
internal sealed class MediaFiles : IDisposable
{
    public MediaFiles()
    {
        Directory.CreateDirectory(Folder);
        Directory.CreateDirectory(VodFolder);
        // H.264 (GOP 25 = 1 s, no B-frames) + AAC, 8 s, as a live source would send it.
        var live = ExternalTool.FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "0", "-c:a", "aac", "-t", "8", "-f", "mpegts", LiveClip);
        // A 6 s MP4 for VOD (GOP 25, B-frames allowed: the remux must cope).
        var vod = ExternalTool.FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-t", "6", "-movflags", "+faststart", VodClip);
        Task.WaitAll(live, vod);
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "sluice-hls-tests-" + Guid.NewGuid().ToString("N"));

    public string VodFolder => Path.Combine(Folder, "vod");

    public string LiveClip => Path.Combine(Folder, "live.ts");

    public string VodClip => Path.Combine(VodFolder, "clip.mp4");

    public string CacheFolder => Path.Combine(Folder, "cache");

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
