using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.PluginTemplate.Sink.Tests;

public sealed class TemplateSinkPluginTests
{
    [Fact]
    public void Configure_Should_Register_The_Sink_Type_And_Nothing_Else()
    {
        var builder = new RecordingBuilder();

        new TemplateSinkPlugin().Configure(builder);

        var factory = Assert.Single(builder.Contributions);
        Assert.Equal("templatesink", Assert.IsAssignableFrom<IEventSinkFactory>(factory).Name);
    }

    /// <summary>Records what a plugin contributes, the way the host's builder collects it.</summary>
    private sealed class RecordingBuilder : IPluginBuilder
    {
        public List<object> Contributions { get; } = [];

        public PluginManifest Manifest { get; } = new()
        {
            Name = "Sluice.PluginTemplate.Sink", EntryAssembly = "Sluice.PluginTemplate.Sink.dll", AbstractionsVersion = "1.0.0",
        };

        public IServiceProvider HostServices { get; } = new EmptyServices();

        public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

        public IPluginBuilder AddConfigSection(IConfigSection section) => Record(section);

        public IPluginBuilder AddSinkType(IEventSinkFactory factory) => Record(factory);

        public IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map) => Record(map);

        public IPluginBuilder AddService(IPluginService service) => Record(service);

        public IPluginBuilder AddConfigurationListener(IConfigurationListener listener) => Record(listener);

        public IPluginBuilder Add<TContract>(TContract contribution) where TContract : class => Record(contribution);

        private RecordingBuilder Record(object contribution)
        {
            Contributions.Add(contribution);
            return this;
        }

        private sealed class EmptyServices : IServiceProvider
        {
            public object? GetService(Type serviceType) => null;
        }
    }
}
