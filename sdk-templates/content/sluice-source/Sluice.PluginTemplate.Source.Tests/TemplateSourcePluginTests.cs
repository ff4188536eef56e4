using Sluice.Testing;

namespace Sluice.PluginTemplate.Source.Tests;

public sealed class TemplateSourcePluginTests
{
    [Fact]
    public void Configure_Should_Register_The_Source_Type_And_Nothing_Else()
    {
        var builder = new TestPluginBuilder();

        new TemplateSourcePlugin().Configure(builder);

        Assert.Equal("templatesource", Assert.Single(builder.SourceTypes).Name);
        Assert.Empty(builder.SinkTypes);
        Assert.Empty(builder.PluginServices);
    }
}
