using System.ComponentModel;
using System.Diagnostics;

namespace Sluice.Sdk.Tests.Support;

/// <summary>The real ffmpeg and ffprobe, run with a time limit; a missing tool is a failure that says so, never a skip.</summary>
internal static class MediaTools
{
    /// <summary>2 s of H.264 (320x240, 25 fps, keyframe every second, no B-frames) and AAC as MPEG-TS.</summary>
    public static async Task MakeSampleTsAsync(string path)
    {
        var result = await RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
            "-t", "2", "-c:v", "libx264", "-g", "25", "-bf", "0", "-c:a", "aac", "-f", "mpegts", path], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0 || !File.Exists(path)) throw new InvalidOperationException($"ffmpeg could not make {path}: {result.Describe()}");
    }

    /// <summary><c>ffprobe -v error -show_streams -of json URL</c>.</summary>
    public static Task<ToolResult> ProbeStreamsAsync(string url, TimeSpan timeout) =>
        RunAsync("ffprobe", ["-v", "error", "-show_streams", "-of", "json", url], timeout);

    private static async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var commandLine = tool + " " + string.Join(' ', arguments);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + commandLine);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is needed for this test and is not on PATH (install ffmpeg, which brings ffmpeg and ffprobe).", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(timeout);
            var exitCode = -1;
            try
            {
                await process.WaitForExitAsync(limit.Token);
                exitCode = process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
            var errors = await stderr;
            if (exitCode == -1) errors += $"\n[killed: still running after {timeout.TotalSeconds:F0}s]";
            return new ToolResult(commandLine, exitCode, await stdout, errors);
        }
    }
}

/// <summary>What one ffmpeg/ffprobe run did.</summary>
internal sealed record ToolResult(string CommandLine, int ExitCode, string Output, string Errors)
{
    public string Describe() => $"`{CommandLine}` exited {ExitCode}:\n{Errors}\n{(Output.Length > 4000 ? Output[..4000] + "..." : Output)}";
}
