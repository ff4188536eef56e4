using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Testing;

namespace Sluice.PluginTemplate.Plugin.Tests;

public sealed class TemplatePluginPluginTests
{
    [Fact]
    public async Task Configure_Should_Register_The_Section_And_One_Greeter_As_Listener_And_Service()
    {
        var log = new CapturingLogger();
        var builder = new TestPluginBuilder { LoggerFactory = log };

        new TemplatePluginPlugin().Configure(builder);

        var section = Assert.IsType<TemplatePluginConfigSection>(Assert.Single(builder.ConfigSections));
        var listener = Assert.Single(builder.ConfigurationListeners);
        var service = Assert.Single(builder.PluginServices);
        Assert.Same(listener, service);

        // The pieces work together the way the host drives them: bind, apply, start, stop.
        var diagnostics = new DiagnosticList();
        var options = section.Bind(
            [new(TemplatePluginConfigSection.GreetingDirective, [new(null, ["Hi there"], true, default)], null, default)],
            new ConfigBindContext(diagnostics, "/etc/sluice", builder.HostServices));
        Assert.Empty(diagnostics.Items);
        await listener.ApplyAsync(new SluiceConfiguration(null, "/etc/sluice", [], new Dictionary<Type, object> { [options.GetType()] = options }, []), CancellationToken.None);
        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(["Hi there", "Stopped greeting"], log.Messages);
    }
}
