using System.Diagnostics;
using System.Net.Sockets;

namespace Sluice.Testing;

/// <summary>
/// A real etcd (Debian's <c>etcd-server</c>, <c>/usr/bin/etcd</c>) on free 127.0.0.1 ports with a fresh data
/// folder, for strategies and tests that need one. Killed and its folder deleted on dispose.
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/etcd";

    private readonly Process _process;
    private readonly string _data;

    private EtcdServer(Process process, string data, int clientPort)
    {
        _process = process;
        _data = data;
        ClientPort = clientPort;
    }

    public int ClientPort { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as <c>cluster_ingest_engine etcd://...</c> names it.</summary>
    public string Endpoint => $"127.0.0.1:{ClientPort}";

    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>Starts etcd and waits until its client port accepts connections (at most <paramref name="timeout"/>, default 30 s).</summary>
    public static async Task<EtcdServer> StartAsync(TimeSpan? timeout = null)
    {
        if (!IsInstalled) throw new InvalidOperationException($"{Executable} is missing: run scripts/install-deps.sh (Debian's etcd-server)");
        // In memory where there is /dev/shm: a test etcd needs no durability, and fsync on a busy disk is what makes it slow.
        var data = Directory.CreateTempSubdirectory("sluice-etcd-").FullName;
        if (Directory.Exists("/dev/shm"))
        {
            Directory.Delete(data);
            data = Directory.CreateDirectory(Path.Combine("/dev/shm", Path.GetFileName(data))).FullName;
        }
        var client = FreePort.Tcp();
        var peer = FreePort.Tcp();
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--name", "sluice-test", "--data-dir", data,
            "--listen-client-urls", $"http://127.0.0.1:{client}", "--advertise-client-urls", $"http://127.0.0.1:{client}",
            "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"sluice-test=http://127.0.0.1:{peer}", "--log-level", "error",
        }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start etcd");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new EtcdServer(process, data, client);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            if (process.HasExited) break;
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", client);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        await server.DisposeAsync();
        throw new TimeoutException($"etcd did not listen on 127.0.0.1:{client}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(wait.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
