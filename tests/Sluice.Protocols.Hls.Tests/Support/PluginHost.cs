using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>
/// A real Kestrel on 127.0.0.1 (port chosen by the OS) with a plugin's routes mapped the way the host
/// maps them (collected, then published as one endpoint data source), beside a host-like literal route, and the plugin's services started.
/// </summary>
internal sealed class PluginHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestPluginBuilder _builder;

    private PluginHost(WebApplication app, TestPluginBuilder builder, string baseUrl)
    {
        _app = app;
        _builder = builder;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BaseUrl { get; }

    public HttpClient Client { get; }

    public int Port => new Uri(BaseUrl).Port;

    public static async Task<PluginHost> StartAsync(ISluicePlugin plugin, IReadOnlyDictionary<Type, object> services)
    {
        var builder = new TestPluginBuilder();
        foreach (var (type, service) in services) builder.Services.Add(type, service);
        plugin.Configure(builder);
        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        web.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        // Small send buffers (inherited by accepted sockets) so a client that stops reading backs up
        // within a second or two instead of filling megabytes of kernel buffers first.
        web.WebHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            socket.SendBufferSize = 16 << 10;
            return socket;
        });
        web.Services.AddRouting();
        var app = web.Build();
        app.UseRouting();
        app.MapGet("/api/v1/server", () => Results.Text("host"));
        // As the host does: map on a collecting builder, publish the endpoints through one data source.
        var collector = new CollectingRouteBuilder(app.Services);
        foreach (var map in builder.Routes) map(collector);
        ((IEndpointRouteBuilder)app).DataSources.Add(new DefaultEndpointDataSource(collector.DataSources.SelectMany(d => d.Endpoints).ToArray()));
        foreach (var service in builder.PluginServices) await service.StartAsync(CancellationToken.None);
        await app.StartAsync();
        return new PluginHost(app, builder, app.Urls.First().TrimEnd('/'));
    }

    private sealed class CollectingRouteBuilder(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider { get; } = services;
        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _app.StopAsync(limit.Token); } catch (OperationCanceledException) { }
        foreach (var service in _builder.PluginServices) await service.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
