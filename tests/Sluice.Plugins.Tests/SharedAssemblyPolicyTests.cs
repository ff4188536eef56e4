using System.Reflection;
using Sluice.Abstractions.Sinks;
using Sluice.Abstractions.Plugins;
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
        Assert.True(SharedAssemblyPolicy.Default.IsShared(new AssemblyName(name)));

    [Theory]
    [InlineData("Newtonsoft.Json")]
    [InlineData("NLua")]
    [InlineData("System.CommandLine")]   // a package the host uses, not part of a framework: plugins bring their own
    [InlineData("Polly")]
    [InlineData("Sluice.TestPlugins.Hello")]
    public void IsShared_Should_BeFalse_For_PrivateDependencies(string name) =>
        Assert.False(SharedAssemblyPolicy.Default.IsShared(new AssemblyName(name)));

    [Theory]
    [InlineData("ClearScript.Core")]
    [InlineData("ClearScript.V8")]
    [InlineData("ClearScript.V8.ICUData")]
    public void The_script_engine_is_shared_by_its_assembly_names(string name) =>
        Assert.True(SharedAssemblyPolicy.Default.IsShared(name)); // its packages are Microsoft.ClearScript.*, its assemblies ClearScript.*

    [Theory]
    [InlineData("Newtonsoft.Json")]
    [InlineData("Newtonsoft.Json.Bson")]
    public void With_Should_ShareOneMoreLibrary_ByItsAssemblyNames(string name)
    {
        Assert.False(SharedAssemblyPolicy.Default.IsShared(name));
        var policy = SharedAssemblyPolicy.Default.With("Newtonsoft.*");
        Assert.True(policy.IsShared(name));
        Assert.True(policy.IsShared("Sluice.Abstractions"));
        Assert.False(policy.IsShared("NLua"));
        Assert.Equal([.. SharedAssemblyPolicy.DefaultPatterns, "Newtonsoft.*"], policy.Patterns);
    }

    [Theory]
    [InlineData("Microsoft.Extensions.*.Abstractions", "Microsoft.Extensions.Caching.Abstractions", true)]
    [InlineData("Microsoft.Extensions.*.Abstractions", "Microsoft.Extensions.Abstractions", false)]
    [InlineData("Serilog*", "serilog.sinks.console", true)]
    [InlineData("Sluice.Media", "Sluice.Media.Extra", false)]
    public void A_pattern_matches_simple_names_ignoring_case_with_one_wildcard(string pattern, string name, bool shared) =>
        Assert.Equal(shared, new SharedAssemblyPolicy([pattern]).IsShared(name));

    [Theory]
    [InlineData("")]
    [InlineData("a*b*")]
    public void A_pattern_with_more_than_one_wildcard_or_none_is_refused(string pattern) =>
        Assert.Throws<ArgumentException>(() => new SharedAssemblyPolicy([pattern]));

    [Fact]
    public void PrivateAssembliesIn_Should_ListWhatAPluginCarries_ExceptShared()
    {
        var folder = Directory.CreateTempSubdirectory("sluice-policy-").FullName;
        try
        {
            Support.PluginsFolder.CopyOver(Support.PluginsFolder.Built("JsonNew"), folder);
            File.WriteAllBytes(Path.Combine(folder, "Sluice.Abstractions.dll"), [0]);   // a stray copy of the contracts
            Directory.CreateDirectory(Path.Combine(folder, "de"));
            File.WriteAllBytes(Path.Combine(folder, "de", "Sluice.TestPlugins.JsonNew.resources.dll"), [0]);

            var names = SharedAssemblyPolicy.Default.PrivateAssembliesIn(folder).Select(n => n.Name).Order(StringComparer.Ordinal);

            Assert.Equal(["Newtonsoft.Json", "Sluice.TestPlugins.JsonNew", "Sluice.TestPlugins.JsonNew.resources"], names);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_library_added_to_the_shared_set_is_loaded_once_in_the_default_context_for_every_plugin()
    {
        using var folder = new Support.PluginsFolder();
        folder.Install("JsonOld");   // built on Newtonsoft.Json 12, carries it
        folder.Install("JsonNew");   // built on Newtonsoft.Json 13, carries it
        await using var manager = new PluginManager(
            new PluginHostOptions { PluginsDirectory = folder.Path, ShadowRoot = folder.ShadowRoot, SharedAssemblies = SharedAssemblyPolicy.Default.With("Newtonsoft.*") },
            folder.Services, folder.Logs);

        await manager.LoadAllAsync();

        var hosts = typeof(Newtonsoft.Json.JsonConvert).Assembly;   // this process's 13.0
        Assert.Same(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(hosts));
        var seen = manager.All<IEventSinkFactory>().Select(f => f.SpecForms).ToArray();
        Assert.Equal([$"{hosts.GetName().Version}|{hosts.Location}", $"{hosts.GetName().Version}|{hosts.Location}"], seen);
        Assert.All(manager.All<IEventSinkFactory>(), f => Assert.DoesNotContain(
            System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(f.GetType().Assembly)!.Assemblies, a => a.GetName().Name == "Newtonsoft.Json"));
    }

    [Fact]
    public void A_builder_refuses_contributions_after_Configure_returned()
    {
        var builder = new PluginBuilder(
            new() { Name = "late", EntryAssembly = "late.dll", AbstractionsVersion = "1.0.0" },
            new Support.TestServices(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var during = new CollectingSinkFactory("during");
        builder.AddSinkType(during);
        builder.Seal();

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddSinkType(new CollectingSinkFactory("later")));
        Assert.Equal("late: contributions are accepted only during Configure", error.Message);
        Assert.Equal([during], builder.Contributions.Of<IEventSinkFactory>());
    }
}
