using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.Host.Plugins;

/// <summary>Collects what a plugin's <see cref="ISluicePlugin.Configure"/> contributes.</summary>
internal sealed class PluginBuilder(PluginManifest manifest, IServiceProvider hostServices, ILoggerFactory loggerFactory)
    : IPluginBuilder
{
    public PluginManifest Manifest { get; } = manifest;
    public IServiceProvider HostServices { get; } = hostServices;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    private bool _sealed;

    public ContributionSet Contributions { get; } = new();

    /// <summary>Called when Configure returned: later additions would change a set others read without locks.</summary>
    public void Seal() => _sealed = true;

    public IPluginBuilder AddConfigSection(IConfigSection section) => Add(section);
    public IPluginBuilder AddSinkType(IEventSinkFactory factory) => Add(factory);
    public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map) => Add(map);
    public IPluginBuilder AddService(IPluginService service) => Add(service);
    public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => Add(listener);

    public IPluginBuilder Add<TContract>(TContract contribution) where TContract : class
    {
        ArgumentNullException.ThrowIfNull(contribution);
        if (_sealed) throw new InvalidOperationException($"{Manifest.Name}: contributions are accepted only during Configure");
        Contributions.Add(contribution);
        return this;
    }
}
