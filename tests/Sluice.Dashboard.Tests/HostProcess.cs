using System.Diagnostics;
using System.Text;

namespace Sluice.Dashboard.Tests;

/// <summary>
/// The real host (host/bin/CONFIG/net10.0/sluice) with a configuration of the test's, on a free loopback port,
/// its output captured; killed with its children on dispose. (Sluice.Host.Tests has a fuller one.)
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, string workDir, int port)
    {
        _process = process;
        WorkDirectory = workDir;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string WorkDirectory { get; }

    public HttpClient Http { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts the host on <paramref name="config"/>; <paramref name="prepare"/> may first write files (certificates) into its folder.</summary>
    public static async Task<HostProcess> StartAsync(string config, Action<string>? prepare = null)
    {
        var port = FreePort.Tcp();
        var workDir = Directory.CreateTempSubdirectory("sluice-dashboard-").FullName;
        prepare?.Invoke(workDir);
        var path = Path.Combine(workDir, "sluice.conf");
        await File.WriteAllTextAsync(path, $"http 127.0.0.1:{port};\n{config}");
        var psi = new ProcessStartInfo(Path.Combine(Repo.HostDirectory, "sluice"))
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "run", "-c", path }) psi.ArgumentList.Add(a);
        var host = new HostProcess(Process.Start(psi)!, workDir, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (host._process.HasExited) throw new InvalidOperationException($"sluice exited:\n{host.Output}");
            try
            {
                using var r = await host.Http.GetAsync("/api/v1/server");
                return host;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(timeout.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        try { Directory.Delete(WorkDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class Repo
{
    public static string Root { get; } = Find();

    public static string HostDirectory => Path.Combine(Root, "host", "bin",
        typeof(Repo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug", "net10.0");

    /// <summary>Where screenshots are kept (artifacts/ is ignored by git; CI keeps it).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(Root, "artifacts", "dashboard-screenshots")).FullName;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Plugins.sln"))) return dir.FullName;
        throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
    }
}
