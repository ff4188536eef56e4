using System.Diagnostics;

namespace Sluice.Media.Tests.Support;

/// <summary>Runs ffmpeg/ffprobe with a timeout and captures their output.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo($"/usr/bin/{tool}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', start.ArgumentList)} timed out");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static void Ffmpeg(params string[] arguments)
    {
        var result = Run("ffmpeg", ["-hide_banner", "-v", "error", "-y", .. arguments], TimeSpan.FromSeconds(90));
        if (result.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {result.StandardError}");
    }
}
