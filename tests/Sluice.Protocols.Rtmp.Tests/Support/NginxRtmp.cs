namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>
/// nginx with Debian's libnginx-mod-rtmp in the foreground, one <c>live</c> application on a loopback port,
/// its prefix, logs and pid in a folder of its own.
/// </summary>
internal sealed class NginxRtmp : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private Peer? _nginx;

    public int Port { get; } = FreePort.Tcp();

    public string Url(string path) => $"rtmp://127.0.0.1:{Port}/{path}";

    public static async Task<NginxRtmp> StartAsync()
    {
        var n = new NginxRtmp();
        Directory.CreateDirectory(n._folder.File("logs"));
        var conf = n._folder.File("nginx.conf");
        await File.WriteAllTextAsync(conf, $$"""
            load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
            daemon off;
            master_process off;
            worker_processes 1;
            error_log {{n._folder.File("logs/error.log")}} info;
            pid {{n._folder.File("logs/nginx.pid")}};
            events { worker_connections 256; }
            rtmp {
              server {
                listen 127.0.0.1:{{n.Port}};
                application live { live on; }
              }
            }
            """);
        n._nginx = Peer.Start("/usr/sbin/nginx", "-p", n._folder.Path, "-e", n._folder.File("logs/error.log"), "-c", conf);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (n._nginx.HasExited) throw new InvalidOperationException("nginx exited: " + n._nginx.Output + n.ErrorLog());
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync("127.0.0.1", n.Port);
                return n;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline) { await Task.Delay(50); }
        }
    }

    public string ErrorLog()
    {
        var path = _folder.File("logs/error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (_nginx is not null) await _nginx.DisposeAsync();
        _folder.Dispose();
    }
}
