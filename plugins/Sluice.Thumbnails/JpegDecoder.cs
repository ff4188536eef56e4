using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Sluice.Thumbnails;

/// <summary>
/// Turns one keyframe (Annex-B H.264/H.265, parameter sets first) into a JPEG with Debian's ffmpeg, at most
/// <see cref="MaxConcurrent"/> at once for all streams together: a keyframe that finds every slot busy is
/// skipped (the stream tries its next one) rather than queued, so a loaded machine makes fewer thumbnails,
/// never a backlog.
/// </summary>
internal sealed class JpegDecoder(string ffmpeg, int maxConcurrent, ILogger log) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);

    public int MaxConcurrent { get; } = maxConcurrent;

    /// <summary>Which ffmpeg: <c>SLUICE_FFMPEG</c>, else Debian's <c>/usr/bin/ffmpeg</c>, else <c>ffmpeg</c> on PATH.</summary>
    public static string Locate() =>
        Environment.GetEnvironmentVariable("SLUICE_FFMPEG") is { Length: > 0 } configured ? configured
        : File.Exists("/usr/bin/ffmpeg") ? "/usr/bin/ffmpeg" : "ffmpeg";

    /// <summary>The JPEG, or null when every slot is busy; throws with ffmpeg's reason when decoding fails.</summary>
    public async Task<byte[]?> TryDecodeAsync(byte[] keyframe, bool hevc, int maxWidth, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(0, cancellationToken).ConfigureAwait(false)) return null;
        try
        {
            return await DecodeAsync(keyframe, hevc, maxWidth, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<byte[]> DecodeAsync(byte[] keyframe, bool hevc, int maxWidth, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments(hevc, maxWidth)) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {ffmpeg}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            var output = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(output, timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(keyframe, timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            await reading.ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var stderr = await errors.ConfigureAwait(false);
            if (process.ExitCode != 0 || output.Length == 0)
                throw new InvalidOperationException($"ffmpeg exited with {process.ExitCode}: {LastLine(stderr)}");
            return output.ToArray();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"ffmpeg took more than {Timeout.TotalSeconds:0} s to decode a keyframe");
        }
        finally
        {
            if (!process.HasExited)
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
                log.LogDebug("thumbnails: ffmpeg {Pid} killed", process.Id);
            }
        }
    }

    internal static IReadOnlyList<string> Arguments(bool hevc, int maxWidth)
    {
        List<string> args = ["-hide_banner", "-loglevel", "error", "-threads", "1", "-f", hevc ? "hevc" : "h264", "-i", "pipe:0", "-frames:v", "1"];
        // Never wider than maxWidth, never upscaled; even height for the encoder.
        if (maxWidth > 0) args.AddRange(["-vf", $"scale='min({maxWidth},iw)':-2"]);
        args.AddRange(["-q:v", "4", "-f", "mjpeg", "pipe:1"]);
        return args;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";

    public void Dispose() => _slots.Dispose();
}
