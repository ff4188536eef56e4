using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>
/// The real host, `sluice run -c DIR/sluice.conf`, with an HTTP port and an RTMP port of its own on loopback
/// and an event log (log:// sink) in its folder; output kept for failure messages, killed on dispose.
/// </summary>
internal sealed class SluiceHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SluiceHost(Process process, string dir, int http, int rtmp)
    {
        _process = process;
        Directory = dir;
        HttpPort = http;
        RtmpPort = rtmp;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Directory { get; }
    public int HttpPort { get; }
    public int RtmpPort { get; }
    public HttpClient Http { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output { get { lock (_output) return _output.ToString(); } }
    public string EventsPath => Path.Combine(Directory, "events.jsonl");
    public string ConfigPath => Path.Combine(Directory, "sluice.conf");

    /// <summary>rtmp://127.0.0.1:PORT/PATH of this host.</summary>
    public string Rtmp(string path) => $"rtmp://127.0.0.1:{RtmpPort}/{path}";

    public string HttpUrl(string path) => $"http://127.0.0.1:{HttpPort}/{path}";

    /// <summary>
    /// Starts the host on <paramref name="config"/> (the http and rtmp listeners and an event log of every
    /// event are added) and waits, bounded, for its HTTP API.
    /// </summary>
    public static async Task<SluiceHost> StartAsync(string config, Action<string>? prepare = null)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("sluice-rtmp-").FullName;
        prepare?.Invoke(dir); // files the configuration needs in its folder (certificates)
        var http = FreePort.Tcp();
        var rtmp = FreePort.Tcp();
        var text = $"http 127.0.0.1:{http};\nrtmp 127.0.0.1:{rtmp};\nnotify all {{ sink log://events.jsonl; }}\n" + config;
        var path = Path.Combine(dir, "sluice.conf");
        await File.WriteAllTextAsync(path, text);
        var psi = new ProcessStartInfo(HostExecutable)
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "run", "-c", path }) psi.ArgumentList.Add(a);
        var host = new SluiceHost(Process.Start(psi) ?? throw new InvalidOperationException("could not start sluice"), dir, http, rtmp);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (host.HasExited) throw new InvalidOperationException($"sluice exited:\n{host.Output}");
            try
            {
                using var r = await host.Http.GetAsync("/api/v1/server");
                if (host.Output.Contains("listening on rtmp://")) return host;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sluice did not start:\n{host.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Resident and proportional set size of the host process, in bytes (from /proc).</summary>
    public (long Rss, long Pss) Memory()
    {
        long rss = 0, pss = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/smaps_rollup"))
        {
            if (line.StartsWith("Rss:")) rss = Kb(line);
            else if (line.StartsWith("Pss:")) pss = Kb(line);
        }
        return (rss, pss);
        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    public static string HostExecutable
    {
        get
        {
            var configuration = typeof(SluiceHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Plugins.sln"))) return Path.Combine(d.FullName, "host", "bin", configuration, "net10.0", "sluice");
            }
            throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
