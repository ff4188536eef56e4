using System.Diagnostics;

namespace Sluice.Dvr.Tests.Support;

/// <summary>Runs the real ffmpeg / ffprobe (or any program) with a time limit, capturing its output.</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static async Task<Result> RunAsync(string program, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try { await p.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} took longer than {timeout}");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// An MPEG-TS clip made by ffmpeg: H.264 (a keyframe every second, no B-frames unless asked) + AAC,
    /// <paramref name="seconds"/> long, 25 fps, small enough to make in a moment.
    /// </summary>
    public static async Task<string> MakeClipAsync(string path, int seconds, string videoCodec = "libx264", int bframes = 0)
    {
        List<string> args =
        [
            "-nostdin", "-hide_banner", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", seconds.ToString(), "-pix_fmt", "yuv420p", "-c:v", videoCodec, "-preset", "ultrafast", "-g", "25", "-bf", bframes.ToString(),
        ];
        if (videoCodec == "libx265") args.AddRange(["-x265-params", "log-level=error:keyint=25:min-keyint=25"]);
        args.AddRange(["-c:a", "aac", "-b:a", "64k", "-f", "mpegts", path]);
        var r = await RunAsync("ffmpeg", TimeSpan.FromMinutes(2), [.. args]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return path;
    }
}
