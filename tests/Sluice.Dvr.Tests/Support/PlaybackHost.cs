using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;

namespace Sluice.Dvr.Tests.Support;

/// <summary>The plugin's routes on a real Kestrel (127.0.0.1, a port the OS picks), mapped the way the host maps plugin routes, its services started.</summary>
internal sealed class PlaybackHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlaybackHost(WebApplication app, TestPluginBuilder builder)
    {
        _app = app;
        Builder = builder;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
    }

    public TestPluginBuilder Builder { get; }

    public HttpClient Client { get; }

    public static async Task<PlaybackHost> StartAsync(ISluicePlugin plugin, TestPluginBuilder builder)
    {
        plugin.Configure(builder);
        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        web.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        web.Services.AddRouting();
        var app = web.Build();
        app.UseRouting();
        var collector = new Collector(app.Services);
        foreach (var map in builder.Routes) map(collector);
        ((IEndpointRouteBuilder)app).DataSources.Add(new DefaultEndpointDataSource(collector.DataSources.SelectMany(d => d.Endpoints).ToArray()));
        foreach (var service in builder.PluginServices) await service.StartAsync(CancellationToken.None);
        await app.StartAsync();
        return new PlaybackHost(app, builder);
    }

    private sealed class Collector(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider { get; } = services;
        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        foreach (var service in Builder.PluginServices) await service.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
