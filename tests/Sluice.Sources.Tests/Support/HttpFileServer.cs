using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sluice.Sources.Tests.Support;

/// <summary>
/// A real Kestrel on 127.0.0.1 (port chosen by the OS) serving the files of a folder, plus
/// <c>/garbage.ts</c> (random bytes) and <c>/status/CODE</c>.
/// </summary>
internal sealed class HttpFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpFileServer(WebApplication app, string baseAddress)
    {
        _app = app;
        Authority = new Uri(baseAddress).Authority;
    }

    /// <summary>HOST:PORT.</summary>
    public string Authority { get; }

    public static async Task<HttpFileServer> StartAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/garbage.ts", async context =>
        {
            var random = new Random(1234);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 16; i++)
            {
                random.NextBytes(chunk);
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/{**path}", (string path) =>
        {
            var full = Path.GetFullPath(Path.Combine(folder, path));
            return full.StartsWith(folder, StringComparison.Ordinal) && File.Exists(full)
                ? Results.File(full, "application/octet-stream")
                : Results.NotFound();
        });
        await app.StartAsync();
        return new HttpFileServer(app, app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
