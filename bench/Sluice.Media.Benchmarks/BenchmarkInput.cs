using System.Diagnostics;

namespace Sluice.Media.Benchmarks;

/// <summary>A ~30 MB H.264 + AAC transport stream made once by ffmpeg and cached in the temp directory.</summary>
internal static class BenchmarkInput
{
    /// <summary>Every demux operation reads exactly this many packets, so per-packet figures are exact.</summary>
    public const int Packets = 100_000;

    public static string Path => Environment.GetEnvironmentVariable("SLUICE_MEDIA_BENCH_INPUT")
        ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sluice-media-bench", "input-720p-h264-aac.ts");

    public static byte[] Load()
    {
        var path = Path;
        if (!File.Exists(path)) Generate(path);
        var data = File.ReadAllBytes(path);
        if (data.Length < Packets * 188)
        {
            throw new InvalidOperationException($"{path} holds {data.Length} bytes; the benchmark needs at least {Packets * 188}.");
        }
        return data[..(Packets * 188)];
    }

    private static void Generate(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        var start = new ProcessStartInfo("/usr/bin/ffmpeg")
        {
            ArgumentList =
            {
                "-hide_banner", "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", "20", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60",
                "-b:v", "12M", "-minrate", "12M", "-maxrate", "12M", "-bufsize", "4M",
                "-c:a", "aac", "-b:a", "128k", "-f", "mpegts", temporary,
            },
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not make the benchmark input: {errors}");
        }
        File.Move(temporary, path, overwrite: true);
    }
}
