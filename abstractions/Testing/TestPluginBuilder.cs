using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Protocols;
using Sluice.Abstractions.Sinks;
using Sluice.Abstractions.Streams;

namespace Sluice.Testing;

/// <summary>
/// Records what a plugin's <see cref="ISluicePlugin.Configure"/> contributes, kind by kind, as the host's
/// builder would. <see cref="Services"/> is what the plugin finds in <see cref="HostServices"/>.
/// </summary>
public sealed class TestPluginBuilder(PluginManifest? manifest = null) : IPluginBuilder
{
    public PluginManifest Manifest { get; } = manifest ?? new() { Name = "test", EntryAssembly = "test.dll", AbstractionsVersion = Abstractions.AbstractionsInfo.Version.ToString(3) };

    /// <summary>Services offered to the plugin: add the host services it needs (an event emitter, a stream registry...).</summary>
    public TestHostServices Services { get; } = new();

    public IServiceProvider HostServices => Services;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The clock offered to the plugin (the system's unless a test sets a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public List<IConfigSection> ConfigSections { get; } = [];
    public List<IEventSinkFactory> SinkTypes { get; } = [];
    public List<IMediaSourceFactory> SourceTypes { get; } = [];
    public List<IProtocolFactory> Protocols { get; } = [];
    public List<IStreamFeatureFactory> StreamFeatures { get; } = [];
    public List<IClusterStrategyFactory> ClusterStrategies { get; } = [];
    public List<Action<IEndpointRouteBuilder>> Routes { get; } = [];
    public List<IPluginService> PluginServices { get; } = [];
    public List<IConfigurationListener> ConfigurationListeners { get; } = [];

    public IPluginBuilder AddConfigSection(IConfigSection section) => Add(ConfigSections, section);
    public IPluginBuilder AddSinkType(IEventSinkFactory factory) => Add(SinkTypes, factory);
    public IPluginBuilder AddSourceType(IMediaSourceFactory factory) => Add(SourceTypes, factory);
    public IPluginBuilder AddProtocol(IProtocolFactory factory) => Add(Protocols, factory);
    public IPluginBuilder AddStreamFeature(IStreamFeatureFactory factory) => Add(StreamFeatures, factory);
    public IPluginBuilder AddClusterStrategy(IClusterStrategyFactory factory) => Add(ClusterStrategies, factory);
    public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map) => Add(Routes, map);
    public IPluginBuilder AddService(IPluginService service) => Add(PluginServices, service);
    public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => Add(ConfigurationListeners, listener);

    /// <summary>The single sink type <paramref name="plugin"/> registers.</summary>
    public static IEventSinkFactory SinkTypeOf(ISluicePlugin plugin) => Single(Configured(plugin).SinkTypes, "sink type");

    /// <summary>The single source type <paramref name="plugin"/> registers.</summary>
    public static IMediaSourceFactory SourceTypeOf(ISluicePlugin plugin) => Single(Configured(plugin).SourceTypes, "source type");

    private static TestPluginBuilder Configured(ISluicePlugin plugin)
    {
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        return builder;
    }

    private static T Single<T>(List<T> items, string what) =>
        items.Count == 1 ? items[0] : throw new InvalidOperationException($"expected the plugin to register one {what}, it registered {items.Count}");

    private TestPluginBuilder Add<T>(List<T> list, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        list.Add(item);
        return this;
    }
}

/// <summary>A minimal service provider: register instances by the type plugins ask for.</summary>
public sealed class TestHostServices : IServiceProvider
{
    private readonly Dictionary<Type, object> _services = [];

    public TestHostServices Add<T>(T service) where T : class => Add(typeof(T), service);

    public TestHostServices Add(Type serviceType, object service)
    {
        _services[serviceType] = service;
        return this;
    }

    public object? GetService(Type serviceType) => _services.GetValueOrDefault(serviceType);
}
