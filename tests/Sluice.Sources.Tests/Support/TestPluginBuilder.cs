using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Media.Streams;

namespace Sluice.Sources.Tests.Support;

/// <summary>Collects the source factories a plugin registers, as the host's builder would.</summary>
internal sealed class TestPluginBuilder : IPluginBuilder
{
    public List<IMediaSourceFactory> Sources { get; } = [];

    public PluginManifest Manifest { get; } = new() { Name = "test", EntryAssembly = "test.dll", AbstractionsVersion = "1.0.0" };

    public IServiceProvider HostServices { get; } = new EmptyServices();

    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public IPluginBuilder AddConfigSection(IConfigSection section) => this;

    public IPluginBuilder AddSinkType(IEventSinkFactory factory) => this;

    public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map) => this;

    public IPluginBuilder AddService(IPluginService service) => this;

    public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => this;

    public IPluginBuilder Add<TContract>(TContract contribution) where TContract : class
    {
        if (contribution is IMediaSourceFactory factory) Sources.Add(factory);
        return this;
    }

    /// <summary>The factory of <paramref name="plugin"/> that claims <paramref name="url"/>.</summary>
    public static IMediaSourceFactory FactoryFor(ISluicePlugin plugin, string url)
    {
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        return Assert.Single(builder.Sources, f => f.Claims(new Uri(url)));
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
