using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.Tests.Shared;

/// <summary>Collects what a plugin registers, as the host's builder would (linked into the plugins' test projects).</summary>
internal sealed class TestPluginBuilder : IPluginBuilder
{
    public List<IEventSinkFactory> SinkTypes { get; } = [];

    public PluginManifest Manifest { get; } = new() { Name = "test", EntryAssembly = "test.dll", AbstractionsVersion = "1.0.0" };

    public IServiceProvider HostServices { get; } = new EmptyServices();

    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public IPluginBuilder AddConfigSection(IConfigSection section) => this;

    public IPluginBuilder AddSinkType(IEventSinkFactory factory) { SinkTypes.Add(factory); return this; }

    public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map) => this;

    public IPluginBuilder AddService(IPluginService service) => this;

    public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => this;

    /// <summary>Everything registered through <see cref="Add{TContract}"/> (source factories, ...).</summary>
    public List<object> Contributions { get; } = [];

    public IEnumerable<T> Of<T>() => Contributions.OfType<T>();

    public IPluginBuilder Add<TContract>(TContract contribution) where TContract : class
    {
        Contributions.Add(contribution);
        return this;
    }

    /// <summary>The single sink type a plugin registers.</summary>
    public static IEventSinkFactory FactoryOf(ISluicePlugin plugin)
    {
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        return Assert.Single(builder.SinkTypes);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
