using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Sluice.Cluster.Tests.Support;

/// <summary>
/// One real `sluice run` process of a group on <see cref="Name"/> (<c>127.0.0.N:PORT</c>), with its own folder, that can be
/// killed with SIGKILL and started again, or frozen (SIGSTOP) and resumed (SIGCONT).
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly string _config;
    private readonly ConcurrentQueue<string> _lines = new();
    private Process? _process;

    public ClusterNode(string name, string config, string? pluginsDir = null)
    {
        Name = name;
        Address = name[..name.LastIndexOf(':')];
        Port = int.Parse(name[(name.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Folder = Directory.CreateTempSubdirectory("sluice-cluster-").FullName;
        _config = (pluginsDir is null ? "" : $"plugins_dir {pluginsDir};\n") + $"http {name};\nhostname node-{Address.Replace('.', '-')}-{Port};\n" + config;
        File.WriteAllText(ConfigPath, _config);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{name}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>The loopback address it listens on (127.0.0.1, 127.0.0.2, ...).</summary>
    public string Address { get; }

    public int Port { get; }

    /// <summary><c>ADDRESS:PORT</c>: its <c>http</c> listener and its name in the group.</summary>
    public string Name { get; }

    public string Folder { get; }

    public string ConfigPath => Path.Combine(Folder, "sluice.conf");

    public HttpClient Http { get; }

    public bool Frozen { get; private set; }

    public bool Running => _process is { HasExited: false };

    public string Output => string.Join('\n', _lines);

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(HostPaths.Executable) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "run", "-c", ConfigPath }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start sluice");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Frozen = false;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited) throw new InvalidOperationException($"sluice exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var r = await Http.GetAsync("/api/v1/server");
                return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"sluice on {Port} did not answer:\n{Output}");
    }

    /// <summary>kill -9: no goodbye to peers, leases or streams.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        Signal("KILL");
        await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Frozen = false;
    }

    public void Freeze() { Signal("STOP"); Frozen = true; }

    public void Resume() { Signal("CONT"); Frozen = false; }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_process!.Id}")!;
        kill.WaitForExit(5000);
    }

    /// <summary>GET /api/v1/cluster, or null when the node does not answer (killed, frozen, starting).</summary>
    public async Task<ClusterView?> ViewAsync(TimeSpan? timeout = null)
    {
        if (!Running || Frozen) return null;
        try
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(3));
            var json = await Http.GetFromJsonAsync<JsonElement>("/api/v1/cluster", cts.Token);
            return ClusterView.From(json);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException) { return null; }
    }

    /// <summary>
    /// With <c>SLUICE_CLUSTER_LOGS=DIR</c> every server's output is kept there when it is disposed (one file a
    /// process run), so that a failed run can be read after the fact; the folder itself is always deleted.
    /// </summary>
    private void KeepLog()
    {
        if (Environment.GetEnvironmentVariable("SLUICE_CLUSTER_LOGS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"{DateTime.UtcNow:yyyyMMdd-HHmmss.fff}-{Address}-{Port}.log"), Output);
    }

    public bool LogHas(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            if (Frozen) Resume();
            _process.Kill(entireProcessTree: true);
            try { await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token); } catch (OperationCanceledException) { }
        }
        _process?.Dispose();
        Http.Dispose();
        KeepLog();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>What one server's <c>GET /api/v1/cluster</c> says.</summary>
internal sealed record ClusterView(string? Strategy, string? Self, IReadOnlyDictionary<string, (string? Server, bool Here)> Streams, IReadOnlyDictionary<string, bool> Peers)
{
    public static ClusterView From(JsonElement json)
    {
        var streams = json.GetProperty("streams").EnumerateArray().ToDictionary(
            s => s.GetProperty("name").GetString()!,
            s => (s.GetProperty("server").GetString(), s.GetProperty("captured_here").GetBoolean()));
        var peers = json.GetProperty("peers").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("alive").GetBoolean());
        return new ClusterView(json.GetProperty("strategy").GetString(), json.GetProperty("self").GetString(), streams, peers);
    }

    public IEnumerable<string> CapturedHere => Streams.Where(s => s.Value.Here).Select(s => s.Key);
}

/// <summary>Where the built host is (the configuration these tests were built in).</summary>
internal static class HostPaths
{
    private static readonly string Configuration =
        typeof(HostPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Root { get; } = FindRoot();

    public static string HostDirectory => Path.Combine(Root, "host", "bin", Configuration, "net10.0");

    public static string Executable => Path.Combine(HostDirectory, "sluice");

    public static string Plugins => Path.Combine(HostDirectory, "plugins");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Plugins.sln"))) return dir.FullName;
        throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
    }
}
