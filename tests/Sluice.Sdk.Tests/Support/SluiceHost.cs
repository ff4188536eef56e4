using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Sdk.Tests.Support;

/// <summary>
/// The real host, `sluice run -c FOLDER/sluice.conf`, with its output kept for failure messages.
/// The whole process tree is killed on dispose.
/// </summary>
internal sealed class SluiceHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SluiceHost(Process process, string configPath, int port)
    {
        _process = process;
        ConfigPath = configPath;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string ConfigPath { get; }

    public HttpClient Http { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Writes <paramref name="config"/> ({PORT} replaced by a free loopback port) to FOLDER/sluice.conf,
    /// starts the host on it and waits (bounded) until its HTTP listener accepts connections.
    /// </summary>
    public static async Task<SluiceHost> StartAsync(string folder, string config)
    {
        var port = FreePort.Tcp();
        var configPath = Path.Combine(folder, "sluice.conf");
        await File.WriteAllTextAsync(configPath, config.Replace("{PORT}", port.ToString()));
        var psi = new ProcessStartInfo(RepoPaths.HostExecutable)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(configPath);
        var host = new SluiceHost(Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName), configPath, port);
        try
        {
            await host.WaitForHttpAsync(TimeSpan.FromSeconds(30));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Rewrites the configuration file ({PORT} is this host's port); the host reads it on reload.</summary>
    public Task RewriteConfigAsync(string config) => File.WriteAllTextAsync(ConfigPath, config.Replace("{PORT}", Port.ToString()));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(limit.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
    }

    private async Task WaitForHttpAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sluice exited with {_process.ExitCode} before listening:\n{Output}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"sluice did not listen on 127.0.0.1:{Port} within {timeout.TotalSeconds:F0}s:\n{Output}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
