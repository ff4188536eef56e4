using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Abstractions.Streams;

namespace Sluice.PluginTemplate.Source.Tests;

public sealed class TemplateSourcePluginTests
{
    [Fact]
    public void Configure_Should_Register_The_Source_Type_And_Nothing_Else()
    {
        var builder = new RecordingBuilder();

        new TemplateSourcePlugin().Configure(builder);

        var (contract, contribution) = Assert.Single(builder.Contributions);
        Assert.Equal(typeof(IMediaSourceFactory), contract);
        Assert.Equal("templatesource", Assert.IsAssignableFrom<IMediaSourceFactory>(contribution).Name);
    }

    /// <summary>Records what a plugin contributes and as which contract, the way the host's builder collects it.</summary>
    private sealed class RecordingBuilder : IPluginBuilder
    {
        public List<(Type Contract, object Contribution)> Contributions { get; } = [];

        public PluginManifest Manifest { get; } = new()
        {
            Name = "Sluice.PluginTemplate.Source", EntryAssembly = "Sluice.PluginTemplate.Source.dll", AbstractionsVersion = "1.0.0",
        };

        public IServiceProvider HostServices { get; } = new EmptyServices();

        public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

        public IPluginBuilder AddConfigSection(IConfigSection section) => Add(section);

        public IPluginBuilder AddSinkType(IEventSinkFactory factory) => Add(factory);

        public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map) => Add(map);

        public IPluginBuilder AddService(IPluginService service) => Add(service);

        public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => Add(listener);

        public IPluginBuilder Add<TContract>(TContract contribution) where TContract : class
        {
            Contributions.Add((typeof(TContract), contribution));
            return this;
        }

        private sealed class EmptyServices : IServiceProvider
        {
            public object? GetService(Type serviceType) => null;
        }
    }
}
