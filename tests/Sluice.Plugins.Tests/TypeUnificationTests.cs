using System.Runtime.Loader;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Plugins.Tests.Support;

namespace Sluice.Plugins.Tests;

/// <summary>What a plugin contributes is of the host's own contract types, not look-alikes.</summary>
public sealed class TypeUnificationTests : IDisposable
{
    private readonly PluginsFolder _folder = new();

    [Fact]
    public async Task A_plugins_sink_factory_is_the_hosts_IEventSinkFactory_and_works_as_one()
    {
        _folder.Install("Hello");
        await using var manager = _folder.CreateManager();
        await manager.LoadAllAsync();

        object factory = manager.All<IEventSinkFactory>().Single();
        Assert.True(factory is IEventSinkFactory);
        var sinkFactory = (IEventSinkFactory)factory;
        Assert.True(sinkFactory.Claims("hello://x"));
        await using (var sink = sinkFactory.Create(_folder.Services.SinkContext("hello://x")))
        {
            await sink.DeliverAsync([new SluiceEvent("stream_started", "1", 0, "srv", EventLevel.Info)], CancellationToken.None);
        }
        Assert.Equal(["hello://x stream_started"], _folder.Services.Delivered);
    }

    [Fact]
    public async Task The_contracts_assembly_is_the_same_Assembly_object_in_the_plugin_context_and_the_host()
    {
        _folder.Install("Hello");
        await using var manager = _folder.CreateManager();
        await manager.LoadAllAsync();

        var factoryType = manager.All<IEventSinkFactory>().Single().GetType();
        var context = AssemblyLoadContext.GetLoadContext(factoryType.Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.True(context.IsCollectible);
        var pluginType = factoryType.Assembly.GetType("Sluice.TestPlugins.Hello.HelloPlugin", throwOnError: true)!;
        var seenByPlugin = pluginType.GetInterface(nameof(ISluicePlugin))!;
        Assert.Same(typeof(ISluicePlugin), seenByPlugin);
        Assert.Same(typeof(ISluicePlugin).Assembly, seenByPlugin.Assembly);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(seenByPlugin.Assembly));
        // The plugin's context holds only the plugin's own assembly: contracts, logging and ASP.NET Core come from the host.
        Assert.Equal(["Sluice.TestPlugins.Hello"], context.Assemblies.Select(a => a.GetName().Name));
    }

    [Fact]
    public async Task A_plugins_routes_map_on_a_real_Kestrel_listener_and_answer()
    {
        _folder.Install("Hello");
        await using var manager = _folder.CreateManager();
        await manager.LoadAllAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        foreach (var map in manager.All<Action<IEndpointRouteBuilder>>()) map(app);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var answer = await http.GetStringAsync(app.Urls.First() + "/hello");
            Assert.Equal("hello from a plugin", answer);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task A_plugin_logs_through_the_hosts_logger_factory()
    {
        _folder.Install("Hello");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        Assert.Contains("Information: hello plugin configured", _folder.Logs.Lines);
    }

    public void Dispose() => _folder.Dispose();
}
