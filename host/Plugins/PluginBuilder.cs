using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Protocols;
using Sluice.Abstractions.Sinks;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Plugins;

/// <summary>Collects what a plugin's <see cref="ISluicePlugin.Configure"/> contributes.</summary>
internal sealed class PluginBuilder(PluginManifest manifest, IServiceProvider hostServices, ILoggerFactory loggerFactory)
    : IPluginBuilder
{
    public PluginManifest Manifest { get; } = manifest;
    public IServiceProvider HostServices { get; } = hostServices;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
    public TimeProvider Time { get; } = hostServices.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;

    private bool _sealed;

    public ContributionSet Contributions { get; } = new();

    /// <summary>Called when Configure returned: later additions would change a set others read without locks.</summary>
    public void Seal() => _sealed = true;

    public IPluginBuilder AddConfigSection(IConfigSection section) => Add(section);
    public IPluginBuilder AddSinkType(IEventSinkFactory factory) => Add(factory);
    public IPluginBuilder AddSourceType(IMediaSourceFactory factory) => Add(factory);
    public IPluginBuilder AddProtocol(IProtocolFactory factory) => Add(factory);
    public IPluginBuilder AddStreamFeature(IStreamFeatureFactory factory) => Add(factory);
    public IPluginBuilder AddClusterStrategy(IClusterStrategyFactory factory) => Add(factory);
    public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map) => Add(map);
    public IPluginBuilder AddService(IPluginService service) => Add(service);
    public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => Add(listener);

    private PluginBuilder Add<TContract>(TContract contribution) where TContract : class
    {
        ArgumentNullException.ThrowIfNull(contribution);
        if (_sealed) throw new InvalidOperationException($"{Manifest.Name}: contributions are accepted only during Configure");
        Contributions.Add(contribution);
        return this;
    }
}
