using System.Diagnostics;

namespace Sluice.PluginTemplate.Source.Tests;

/// <summary>
/// A real MPEG-TS file to play: 2 s of H.264 (320x240, 25 fps, a keyframe every second, no B-frames)
/// and AAC, made by ffmpeg. Without ffmpeg the test fails and says so.
/// </summary>
internal static class SampleTs
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    public static async Task MakeAsync(string path)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
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
            if (process.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"ffmpeg exited {process.ExitCode} making {path}: {await errors}");
            }
        }
    }
}
