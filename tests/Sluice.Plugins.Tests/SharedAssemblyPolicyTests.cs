using System.Reflection;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;

namespace Sluice.Plugins.Tests;

public sealed class SharedAssemblyPolicyTests
{
    [Theory]
    [InlineData("Sluice.Abstractions")]
    [InlineData("Sluice.Media")]
    [InlineData("Microsoft.Extensions.Logging.Abstractions")]
    [InlineData("Microsoft.Extensions.Logging")]
    [InlineData("Microsoft.Extensions.DependencyInjection.Abstractions")]
    [InlineData("Serilog")]
    [InlineData("Serilog.Sinks.File")]
    [InlineData("System.Text.Json")]
    [InlineData("System.Runtime")]
    [InlineData("Microsoft.AspNetCore.Routing")]
    [InlineData("Microsoft.Extensions.Options")]
    [InlineData("ClearScript.Core")]          // Microsoft.ClearScript.Core's assembly
    [InlineData("ClearScript.V8")]
    [InlineData("ClearScript.V8.ICUData")]
    public void IsShared_Should_BeTrue_For_Contracts_Logging_And_SharedFrameworkAssemblies(string name) =>
        Assert.True(SharedAssemblyPolicy.IsShared(new AssemblyName(name)));

    [Theory]
    [InlineData("Newtonsoft.Json")]
    [InlineData("NLua")]
    [InlineData("System.CommandLine")]   // a package the host uses, not part of a framework: plugins bring their own
    [InlineData("Polly")]
    [InlineData("Sluice.TestPlugins.Hello")]
    public void IsShared_Should_BeFalse_For_PrivateDependencies(string name) =>
        Assert.False(SharedAssemblyPolicy.IsShared(new AssemblyName(name)));

    [Fact]
    public void A_builder_refuses_contributions_after_Configure_returned()
    {
        var builder = new PluginBuilder(
            new() { Name = "late", EntryAssembly = "late.dll", AbstractionsVersion = "1.0.0" },
            new Support.TestServices(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        builder.Add("during Configure");
        builder.Seal();

        var error = Assert.Throws<InvalidOperationException>(() => builder.Add("later"));
        Assert.Equal("late: contributions are accepted only during Configure", error.Message);
        Assert.Equal(["during Configure"], builder.Contributions.Of<string>());
        Assert.Empty(builder.Contributions.Of<IEventSinkFactory>());
    }
}
