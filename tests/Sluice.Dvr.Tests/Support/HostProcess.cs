using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Sluice.Dvr.Tests.Support;

/// <summary>
/// The real <c>sluice</c> from the build, run in a folder of the test's with its plugins (fake://, log://, HLS,
/// DVR); started again in the same folder after a stop or a kill -9, as an operator's server would be.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, string folder, int port)
    {
        _process = process;
        Folder = folder;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Folder { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The log:// sink every configuration of these tests writes (events.jsonl in the folder).</summary>
    public string EventsPath => Path.Combine(Folder, "events.jsonl");

    public static string Executable { get; } = Path.Combine(RepoRoot(), "host", "bin", Configuration(), "net10.0", "sluice");

    /// <summary>Writes <c>sluice.conf</c> (an http line on a free port and a log sink of every event are added) and starts the host.</summary>
    public static async Task<HostProcess> StartAsync(string folder, string config, int? port = null)
    {
        var p = port ?? FreePort.Tcp();
        var text = $"http 127.0.0.1:{p};\nnotify all {{ sink log://events.jsonl; }}\n" + config;
        await File.WriteAllTextAsync(Path.Combine(folder, "sluice.conf"), text);
        var psi = new ProcessStartInfo(Executable) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(folder, "sluice.conf"));
        var host = new HostProcess(Process.Start(psi)!, folder, p);
        await host.WaitForHttpAsync();
        return host;
    }

    /// <summary>Rewrites the configuration (same port, same sink) and reloads it through the API.</summary>
    public async Task ReloadAsync(string config)
    {
        var text = $"http 127.0.0.1:{Port};\nnotify all {{ sink log://events.jsonl; }}\n" + config;
        await File.WriteAllTextAsync(Path.Combine(Folder, "sluice.conf"), text);
        using var r = await Http.PostAsync("/api/v1/config/reload", null);
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    private async Task WaitForHttpAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"sluice exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var r = await Http.GetAsync("/api/v1/server");
                return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"sluice did not answer:\n{Output}");
    }

    /// <summary>SIGTERM, then waits for a clean exit.</summary>
    public async Task StopAsync()
    {
        Process.Start("kill", $"-TERM {_process.Id}")!.WaitForExit(5000);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(limit.Token);
    }

    /// <summary>kill -9: the process ends where it is.</summary>
    public async Task KillAsync()
    {
        Process.Start("kill", $"-KILL {_process.Id}")!.WaitForExit(5000);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(limit.Token);
    }

    /// <summary>The events the log sink wrote so far.</summary>
    public JsonElement[] Events()
    {
        if (!File.Exists(EventsPath)) return [];
        using var s = new FileStream(EventsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(s).ReadToEnd();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => { try { return JsonDocument.Parse(l).RootElement.Clone(); } catch (JsonException) { return default; } })
            .Where(e => e.ValueKind == JsonValueKind.Object).ToArray();
    }

    public JsonElement[] Events(string name, string? media = null) =>
        Events().Where(e => e.GetProperty("event").GetString() == name && (media is null || (e.TryGetProperty("media", out var m) && m.GetString() == media))).ToArray();

    /// <summary>Waits (bounded) until the log holds <paramref name="count"/> events named <paramref name="name"/>.</summary>
    public async Task<JsonElement[]> WaitForEventsAsync(string name, int count, TimeSpan timeout, Func<JsonElement, bool>? where = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var hits = Events(name).Where(where ?? (_ => true)).ToArray();
            if (hits.Length >= count) return hits;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{count}x {name} not seen within {timeout} (got {hits.Length}); events: "
                    + string.Join(", ", Events().Select(e => e.GetProperty("event").GetString()).Distinct()) + "\n" + Output);
            await Task.Delay(200);
        }
    }

    public async Task<JsonElement> JsonAsync(string path)
    {
        using var r = await Http.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
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
    }

    private static string Configuration() =>
        typeof(HostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plugins.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
    }
}
