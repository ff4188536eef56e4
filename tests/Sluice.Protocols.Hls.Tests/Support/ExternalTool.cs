using System.Diagnostics;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>Runs the real ffmpeg/ffprobe with a timeout and captures their output.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo($"/usr/bin/{tool}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', start.ArgumentList)} timed out; stderr: {await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    public static async Task FfmpegAsync(params string[] arguments)
    {
        var result = await RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments], TimeSpan.FromSeconds(120));
        if (result.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {result.StandardError}");
    }
}
