using Sluice.Testing;

namespace Sluice.PluginTemplate.Sink.Tests;

public sealed class TemplateSinkPluginTests
{
    [Fact]
    public void Configure_Should_Register_The_Sink_Type_And_Nothing_Else()
    {
        var builder = new TestPluginBuilder();

        new TemplateSinkPlugin().Configure(builder);

        Assert.Equal("templatesink", Assert.Single(builder.SinkTypes).Name);
        Assert.Empty(builder.ConfigSections);
        Assert.Empty(builder.PluginServices);
    }
}
