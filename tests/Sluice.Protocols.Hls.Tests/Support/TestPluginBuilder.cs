using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>Collects what a plugin registers and offers host services, as the host's builder does.</summary>
internal sealed class TestPluginBuilder(IReadOnlyDictionary<Type, object> services) : IPluginBuilder
{
    public List<Action<IEndpointRouteBuilder>> Routes { get; } = [];

    public List<IPluginService> Services { get; } = [];

    public PluginManifest Manifest { get; } = new() { Name = "Sluice.Protocols.Hls", EntryAssembly = "Sluice.Protocols.Hls.dll", AbstractionsVersion = "1.0.0" };

    public IServiceProvider HostServices { get; } = new Provider(services);

    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public IPluginBuilder AddConfigSection(IConfigSection section) => this;

    public IPluginBuilder AddSinkType(IEventSinkFactory factory) => this;

    public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map)
    {
        Routes.Add(map);
        return this;
    }

    public IPluginBuilder AddService(IPluginService service)
    {
        Services.Add(service);
        return this;
    }

    public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => this;

    public IPluginBuilder Add<TContract>(TContract contribution) where TContract : class => this;

    private sealed class Provider(IReadOnlyDictionary<Type, object> services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.GetValueOrDefault(serviceType);
    }
}
