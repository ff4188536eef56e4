using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Sluice.FFmpeg;

/// <summary>
/// One ffmpeg child process writing to a pipe we read. Lifetime rules: stdin is a pipe we close at
/// once (and ffmpeg gets <c>-nostdin</c>), so it never reads the host's terminal; <see cref="Kill"/>
/// (on cancellation and dispose) kills the whole process tree; if the host dies, the read end of
/// stdout closes and ffmpeg's next write fails with EPIPE, which ends it.
/// </summary>
public sealed class FFmpegProcess : IAsyncDisposable
{
    private const int TailLines = 8;

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Queue<string> _tail = new();
    private readonly Task _stderrPump;

    private FFmpegProcess(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    public int Id => _process.Id;

    /// <summary>ffmpeg's stdout (the MPEG-TS it writes to <c>pipe:1</c>).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    public static FFmpegProcess Start(string executable, IReadOnlyList<string> arguments, ILogger logger)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"cannot run ffmpeg '{executable}' ({e.Message}); install ffmpeg or set the option ffmpeg=PATH or {FFmpegLocator.EnvironmentVariable}", e);
        }
        process.StandardInput.Close();
        logger.LogDebug("ffmpeg pid {Pid} started: {Executable} {Arguments}", process.Id, executable, string.Join(' ', arguments));
        return new FFmpegProcess(process, logger);
    }

    /// <summary>Kills ffmpeg and anything it started; safe to call at any time, from any thread.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }  // already exited
        catch (Win32Exception) { }              // exiting right now
    }

    /// <summary>Waits for the exit after stdout ended; returns the exit code, killing ffmpeg when it lingers.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        await _stderrPump.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>The last stderr lines, joined, for error messages.</summary>
    public string LastLines()
    {
        lock (_tail) return string.Join(" | ", _tail);
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("ffmpeg pid {Pid} did not exit within 5 s of being killed", _process.Id);
        }
        _process.Dispose();
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0) continue;
                // Debug: the stream logs a failure once per state change with these last lines; warning here repeated them at every retry.
                _logger.LogDebug("ffmpeg: {Line}", line);
                lock (_tail)
                {
                    if (_tail.Count == TailLines) _tail.Dequeue();
                    _tail.Enqueue(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe closed under us because the process was killed and disposed.
        }
    }
}
