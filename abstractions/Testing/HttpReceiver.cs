using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.Testing;

/// <summary>A real Kestrel server on 127.0.0.1 that records every request it gets.</summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Received(string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body, string ConnectionId);

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Answers a request after it was recorded; default 200.</summary>
    public Func<HttpContext, Task> Respond { get; set; } = ctx => { ctx.Response.StatusCode = 200; return Task.CompletedTask; };

    public string BaseUrl { get; }

    private HttpReceiver(WebApplication app, string baseUrl) { _app = app; BaseUrl = baseUrl; }

    public static async Task<HttpReceiver> StartAsync(X509Certificate2? certificate = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => { if (certificate is not null) o.UseHttps(certificate); }));
        var app = builder.Build();
        HttpReceiver? receiver = null;
        app.Run(async ctx =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            receiver!.Requests.Enqueue(new Received(ctx.Request.Path, ctx.Request.QueryString.Value ?? "",
                ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), ms.ToArray(),
                ctx.Connection.Id));
            await receiver.Respond(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        var scheme = certificate is null ? "http" : "https";
        receiver = new HttpReceiver(app, $"{scheme}://{(certificate is null ? "127.0.0.1" : "localhost")}:{uri.Port}");
        return receiver;
    }

    public int Port => new Uri(BaseUrl).Port;

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
