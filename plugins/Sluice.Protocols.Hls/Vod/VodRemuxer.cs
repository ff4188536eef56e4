using System.Diagnostics;

namespace Sluice.Protocols.Hls.Vod;

/// <summary>
/// Remuxes a file to MPEG-TS with the real ffmpeg (<c>-c copy</c>; the mpegts muxer converts H.264/H.265
/// from MP4 to Annex-B by itself). Writes to a temporary name and renames, so a cache file is always complete.
/// </summary>
internal static class VodRemuxer
{
    public static async Task RemuxAsync(string ffmpeg, string input, string output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var partial = output + "." + Guid.NewGuid().ToString("N")[..8] + ".part";
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", input,
                     "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy", "-f", "mpegts", partial])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{ffmpeg} did not start");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            TryDelete(partial);
            throw new TimeoutException($"remuxing {input} took longer than {timeout.TotalSeconds:0} s");
        }
        var message = (await errors.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0 || !File.Exists(partial) || new FileInfo(partial).Length == 0)
        {
            TryDelete(partial);
            throw new InvalidDataException($"ffmpeg could not remux {Path.GetFileName(input)} to MPEG-TS (exit {process.ExitCode}): {message}");
        }
        File.Move(partial, output, overwrite: true);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
