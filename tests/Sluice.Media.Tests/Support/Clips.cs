namespace Sluice.Media.Tests.Support;

/// <summary>Small transport streams made by the real ffmpeg once per test run, in a temp directory.</summary>
public sealed class Clips : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-media-tests-" + Guid.NewGuid().ToString("N"));
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _made = [];

    public Clips() => Directory.CreateDirectory(_directory);

    /// <summary>H.264 High with B-frames (GOP 25) + AAC-LC 48 kHz stereo, 3 s, 320x180.</summary>
    public string H264Aac => Make("h264_aac.ts",
        ["-f", "lavfi", "-i", "testsrc=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", "3", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-bf", "3", "-g", "25",
         "-c:a", "aac", "-ac", "2", "-f", "mpegts"]);

    /// <summary>H.264 constrained baseline without B-frames (GOP 10), 350x198 (needs SPS cropping) + AAC 44.1 kHz mono.</summary>
    public string H264BaselineCropped => Make("h264_baseline.ts",
        ["-f", "lavfi", "-i", "testsrc=size=350x198:rate=30", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=44100",
         "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "baseline", "-bf", "0", "-g", "10",
         "-c:a", "aac", "-ac", "1", "-f", "mpegts"]);

    /// <summary>H.265 (x265, GOP 12) 256x144 + MP3 48 kHz.</summary>
    public string HevcMp3 => Make("hevc_mp3.ts",
        ["-f", "lavfi", "-i", "testsrc=size=256x144:rate=25", "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000",
         "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=12:min-keyint=12",
         "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mpegts"]);

    /// <summary>H.264 without B-frames (GOP 15) 160x120 + Opus 48 kHz stereo.</summary>
    public string H264Opus => Make("h264_opus.ts",
        ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=15", "-f", "lavfi", "-i", "sine=frequency=600:sample_rate=48000",
         "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "15",
         "-c:a", "libopus", "-ac", "2", "-b:a", "64k", "-f", "mpegts"]);

    /// <summary>Two programs, each H.264 + AAC 48 kHz.</summary>
    public string TwoPrograms => Make("two_programs.ts",
        ["-f", "lavfi", "-i", "testsrc=size=192x108:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", "2", "-map", "0:v", "-map", "1:a", "-map", "0:v", "-map", "1:a",
         "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-g", "20", "-c:a", "aac",
         "-program", "program_num=1:title=one:st=0:st=1", "-program", "program_num=2:title=two:st=2:st=3", "-f", "mpegts"]);

    public string NewPath(string name) => Path.Combine(_directory, Guid.NewGuid().ToString("N") + "-" + name);

    private string Make(string name, string[] arguments)
    {
        lock (_gate)
        {
            if (_made.TryGetValue(name, out var existing)) return existing;
            var path = Path.Combine(_directory, name);
            ExternalTool.Ffmpeg([.. arguments, path]);
            _made[name] = path;
            return path;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ClipsCollection : ICollectionFixture<Clips>
{
    public const string Name = "ffmpeg clips";
}
