using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Sluice.Sinks.Brokers.Tests.Support;

/// <summary>
/// A real server process (nats-server, redis-server) on a fixed loopback port that a test can stop and start again
/// on the same port, as a receiver that goes down and comes back. Killed on dispose.
/// </summary>
internal abstract class ServerProcess : IAsyncDisposable
{
    private Process? _process;
    private readonly ConcurrentQueue<string> _output = new();

    protected ServerProcess(string executable)
    {
        if (!File.Exists(executable)) throw new InvalidOperationException($"{executable} is missing: run scripts/install-deps.sh");
        Executable = executable;
    }

    public string Executable { get; }

    public int Port { get; } = FreePort.Tcp();

    public string Output => string.Join("\n", _output);

    protected abstract IEnumerable<string> Arguments();

    /// <summary>Starts the server and waits until its port accepts connections (at most 30 s).</summary>
    public async Task StartProcessAsync()
    {
        if (_process is { HasExited: false }) return;
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in Arguments()) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Executable}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        throw new TimeoutException($"{Path.GetFileName(Executable)} did not listen on 127.0.0.1:{Port}: {Output}");
    }

    /// <summary>Kills the server (as a crash would) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await process.WaitForExitAsync(wait.Token); } catch (OperationCanceledException) { }
        process.Dispose();
    }

    public virtual async ValueTask DisposeAsync() => await StopAsync();
}
