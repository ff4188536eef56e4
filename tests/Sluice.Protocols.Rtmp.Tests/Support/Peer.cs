using System.Diagnostics;
using System.Text;

namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>A real peer (ffmpeg, gst-launch-1.0, nginx) as a child process, its output kept, killed on dispose.</summary>
internal sealed class Peer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private Peer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public int Pid => _process.Id;

    public static Peer Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new Peer(Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file));
    }

    /// <summary>Runs a peer to its end (bounded by <paramref name="timeout"/>): exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(TimeSpan timeout, string file, params string[] args)
    {
        await using var peer = Start(file, args);
        var code = await peer.WaitAsync(timeout);
        return (code, peer.Output);
    }

    /// <summary>ffmpeg publishing <paramref name="clip"/> in a loop, paced (-re), copied as FLV to <paramref name="url"/>.</summary>
    public static Peer FfmpegPublish(string clip, string url) =>
        Start("ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", clip, "-c", "copy", "-f", "flv", url);

    /// <summary>ffmpeg playing <paramref name="url"/> for <paramref name="seconds"/>, decoding every frame: exit code and errors.</summary>
    public static Task<(int Code, string Output)> FfmpegPlayAsync(string url, double seconds, TimeSpan? timeout = null) =>
        RunAsync(timeout ?? TimeSpan.FromSeconds(seconds + 40), "ffmpeg", "-nostdin", "-v", "error", "-rw_timeout", "20000000", "-i", url,
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "null", "-");

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_process.StartInfo.FileName} did not end within {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // drains the output
        return _process.ExitCode;
    }

    /// <summary>Closes the peer's standard input (openssl s_client ends its session at end of input).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
