using System.Diagnostics;

namespace Sluice.Sources.Tests.Support;

/// <summary>
/// Media made once per test run with the real ffmpeg in a temporary folder: a 1 s MPEG-TS clip
/// (H.264 25 fps, keyframe every second, no B-frames, AAC 48 kHz), the same as MP4, and a 3 s HLS
/// VOD playlist with 1 s segments.
/// </summary>
public sealed class MediaFiles : IDisposable
{
    public const int Fps = 25;
    public const double ClipSeconds = 1;
    public const double HlsSeconds = 3;

    public MediaFiles()
    {
        Directory.CreateDirectory(Folder);
        Make(ClipSeconds, "-f", "mpegts", ClipTs);
        Run("-i", ClipTs, "-c", "copy", "-f", "mp4", ClipMp4);
        Directory.CreateDirectory(Path.Combine(Folder, "hls"));
        Make(HlsSeconds, "-f", "hls", "-hls_time", "1", "-hls_list_size", "0", "-hls_playlist_type", "vod", HlsPlaylist);
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "sluice-sources-" + Guid.NewGuid().ToString("N")[..8]);

    public string ClipTs => Path.Combine(Folder, "clip.ts");

    public string ClipMp4 => Path.Combine(Folder, "clip.mp4");

    public string HlsPlaylist => Path.Combine(Folder, "hls", "index.m3u8");

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private static void Make(double seconds, params string[] output)
    {
        string[] input =
        [
            "-f", "lavfi", "-i", $"testsrc2=size=320x180:rate={Fps}", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-g", Fps.ToString(), "-bf", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k",
        ];
        Run([.. input, .. output]);
    }

    private static void Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", "-y", .. arguments]) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) { process.Kill(true); throw new TimeoutException("ffmpeg took too long making test media"); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed making test media: {errors.Result}");
    }
}

[CollectionDefinition(Name)]
public sealed class MediaCollection : ICollectionFixture<MediaFiles>
{
    /// <summary>One collection: the tests share the media and run one after another, so real-time pace is measured on a quiet machine.</summary>
    public const string Name = "media";
}
