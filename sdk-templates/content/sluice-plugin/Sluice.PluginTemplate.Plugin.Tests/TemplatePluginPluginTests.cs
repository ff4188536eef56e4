using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.PluginTemplate.Plugin.Tests;

public sealed class TemplatePluginPluginTests
{
    [Fact]
    public async Task Configure_Should_Register_The_Section_And_One_Greeter_As_Listener_And_Service()
    {
        var builder = new RecordingBuilder();

        new TemplatePluginPlugin().Configure(builder);

        Assert.Equal(3, builder.Contributions.Count);
        var section = Assert.IsType<TemplatePluginConfigSection>(builder.Contributions[0]);
        var listener = Assert.IsAssignableFrom<IConfigurationListener>(builder.Contributions[1]);
        var service = Assert.IsAssignableFrom<IPluginService>(builder.Contributions[2]);
        Assert.Same(listener, service);

        // The pieces work together the way the host drives them: bind, apply, start, stop.
        var diagnostics = new TestDiagnostics();
        var options = section.Bind(
            [new(TemplatePluginConfigSection.GreetingDirective, [new(null, ["Hi there"], true, default)], null, default)],
            new ConfigBindContext(diagnostics, "/etc/sluice", new EmptyServices()));
        Assert.Empty(diagnostics.All);
        await listener.ApplyAsync(new SluiceConfiguration(null, "/etc/sluice", [], new Dictionary<Type, object> { [options.GetType()] = options }, []), CancellationToken.None);
        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(["Hi there", "Stopped greeting"], builder.Log.Messages);
    }

    /// <summary>Records what a plugin contributes, the way the host's builder collects it.</summary>
    private sealed class RecordingBuilder : IPluginBuilder
    {
        public List<object> Contributions { get; } = [];

        public CapturingLogger Log { get; } = new();

        public PluginManifest Manifest { get; } = new()
        {
            Name = "Sluice.PluginTemplate.Plugin", EntryAssembly = "Sluice.PluginTemplate.Plugin.dll", AbstractionsVersion = "1.0.0",
        };

        public IServiceProvider HostServices { get; } = new EmptyServices();

        public ILoggerFactory LoggerFactory => Log;

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
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
