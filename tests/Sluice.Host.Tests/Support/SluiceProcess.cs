using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Sluice.Host.Tests.Support;

/// <summary>
/// The real host process, started from its build folder with a configuration of the test's, with
/// its output captured. Killed (whole tree) on dispose.
/// </summary>
internal sealed class SluiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _all = new();

    private SluiceProcess(Process process, string workDir, int port)
    {
        _process = process;
        WorkDirectory = workDir;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string WorkDirectory { get; }

    public HttpClient Http { get; }

    public string ConfigPath => Path.Combine(WorkDirectory, "sluice.conf");

    public string Output { get { lock (_all) return _all.ToString(); } }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Pid => _process.Id;

    /// <summary>
    /// Starts `sluice run -c CONFIG` in a fresh folder. <paramref name="config"/> may use {PORT} for the
    /// HTTP port chosen for it; when it has no <c>http</c> line one is added on 127.0.0.1.
    /// </summary>
    public static async Task<SluiceProcess> StartAsync(string config, string? pluginsDir = null,
        bool waitForHttp = true, string? workDir = null, params string[] extraArgs)
    {
        var port = FreePort.Tcp();
        workDir ??= Directory.CreateTempSubdirectory("sluice-test-").FullName;
        var text = config.Replace("{PORT}", port.ToString());
        if (!config.Contains("{PORT}")) text = $"http 127.0.0.1:{port};\n" + text;
        if (pluginsDir is not null) text = $"plugins_dir {pluginsDir};\n" + text;
        var path = Path.Combine(workDir, "sluice.conf");
        await File.WriteAllTextAsync(path, text);

        var psi = new ProcessStartInfo(RepoPaths.HostExecutable)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(path);
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start sluice");
        var host = new SluiceProcess(process, workDir, port);
        if (waitForHttp) await host.WaitForHttpAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>Starts `sluice run` with no -c: the embedded default configuration (port 8080), as the README's run command does.</summary>
    public static async Task<SluiceProcess> StartDefaultAsync()
    {
        var workDir = Directory.CreateTempSubdirectory("sluice-demo-").FullName;
        var psi = new ProcessStartInfo(RepoPaths.HostExecutable)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("run");
        var host = new SluiceProcess(Process.Start(psi)!, workDir, 8080);
        await host.WaitForHttpAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>Runs a one-shot `sluice ARGS...` command and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunCommandAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(RepoPaths.HostExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(true); throw new TimeoutException("sluice " + string.Join(' ', args) + " did not exit"); }
        return (p.ExitCode, await stdout, await stderr);
    }

    public async Task WaitForHttpAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"sluice exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var r = await Http.GetAsync("/api/v1/server");
                return; // any answer (even 401/403) means the listener is up
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"sluice did not answer on port {Port} within {timeout}:\n{Output}");
    }

    /// <summary>Waits until a line of output contains <paramref name="text"/>.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var hit = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (hit is not null) return hit;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no output line with '{text}' within {timeout}:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (SIGHUP for reload).</summary>
    public void Signal(int signal) => Process.Start("kill", $"-{signal} {_process.Id}")!.WaitForExit(5000);

    private void Add(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        lock (_all) _all.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            try { await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
