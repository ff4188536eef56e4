using System.Diagnostics;

namespace Sluice.PluginTemplate.Source.Tests;

/// <summary>
/// A real MPEG-TS file to play: 2 s of H.264 (320x240, 25 fps, a keyframe every second, no B-frames)
/// and AAC, made once per test run by ffmpeg. Without ffmpeg the tests fail and say so.
/// </summary>
internal static class SampleTs
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    private static readonly Lazy<Task<string>> File = new(MakeAsync);

    public static Task<string> PathAsync() => File.Value;

    private static async Task<string> MakeAsync()
    {
        var folder = Directory.CreateTempSubdirectory("templatesource-sample-").FullName;
        var path = Path.Combine(folder, "sample.ts");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["-nostdin", "-v", "error", "-y",
                     "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
                     "-t", "2", "-c:v", "libx264", "-g", "25", "-bf", "0", "-c:a", "aac", "-f", "mpegts", path])
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("ffmpeg is needed to make the sample MPEG-TS file these tests play, and it is not on PATH (install it, e.g. apt-get install ffmpeg).", e);
        }

        using (process)
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            var errors = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            if (process.ExitCode != 0 || !System.IO.File.Exists(path))
            {
                throw new InvalidOperationException($"ffmpeg exited {process.ExitCode} making {path}: {await errors}");
            }
        }
        return path;
    }
}
