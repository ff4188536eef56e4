using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Protocols;
using Sluice.Host.Streams;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>One container composes the core; the host's folders depend on each other one way only.</summary>
public sealed partial class CompositionTests
{
    [Fact]
    public async Task One_container_holds_the_core_and_hands_plugins_the_same_objects()
    {
        using var dir = new TempFolder();
        await using var core = HostCore.Create(new ConfigSource(Path.Combine(dir.Path, "none.conf")), NullLoggerFactory.Instance);
        var sp = core.Services;
        Assert.Same(sp.GetRequiredService<EventRouter>(), sp.GetRequiredService<IEventEmitter>());
        Assert.Same(sp.GetRequiredService<PluginContributions>(), sp.GetRequiredService<IPluginContributions>());
        Assert.Same(sp.GetRequiredService<StreamRegistry>(), sp.GetRequiredService<IStreamRegistry>());
        Assert.Same(sp.GetRequiredService<ConfigurationAccessor>(), sp.GetRequiredService<IConfigurationAccessor>());
        Assert.Same(sp.GetRequiredService<ConfigurationCoordinator>(), sp.GetRequiredService<IConfigurationReloader>());
        var stages = sp.GetServices<IConfigurationStage>().Select(s => s.Name).ToArray();
        Assert.Equal(["notify", "cluster", "streams", "protocols"], stages);
        Assert.Same(sp.GetRequiredService<ProtocolListeners>(), sp.GetServices<IConfigurationStage>().Last());
        Assert.Same(sp.GetRequiredService<PluginContributions>(), sp.GetRequiredService<PluginManager>().Contributions);
    }

    [Fact]
    public async Task The_servers_composition_resolves_every_hosted_service_without_a_cycle()
    {
        // sluice run's shape (logging set: the server stage and the hosted services); a cycle through factory
        // registrations does not throw in Microsoft.Extensions.DependencyInjection, it hangs the start.
        using var dir = new TempFolder();
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, Lifetime>();
        services.AddSluiceCore(new SluiceCoreOptions { Source = new ConfigSource(Path.Combine(dir.Path, "none.conf")), Logging = new Sluice.Host.Logging.SluiceLogging() });
        await using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
        var resolve = Task.Run(() => sp.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToArray());
        var hosted = await resolve.WaitAsync(TimeSpan.FromSeconds(30));   // a TimeoutException here is a dependency cycle
        Assert.Equal(8, hosted.Length);
        Assert.Equal(["server", "notify", "cluster", "streams", "protocols"], sp.GetServices<IConfigurationStage>().Select(s => s.Name));
    }

    private sealed class Lifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    [GeneratedRegex(@"^using Sluice\.Host\.(?<to>\w+)|\bSluice\.Host\.(?<to>[A-Z]\w+)\.", RegexOptions.Multiline)]
    private static partial Regex HostReference();

    [Fact]
    public void The_host_folders_have_no_dependency_cycle()
    {
        var host = Path.Combine(RepoPaths.Root, "host");
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var folder in Directory.GetDirectories(host).Where(d => !Path.GetFileName(d).StartsWith('.') && Path.GetFileName(d) is not ("bin" or "obj")))
        {
            var name = Path.GetFileName(folder);
            var uses = graph[name] = [];
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
                foreach (Match m in HostReference().Matches(File.ReadAllText(file)))
                    if (m.Groups["to"].Value != name) uses.Add(m.Groups["to"].Value);
        }
        Assert.Contains("Hosting", graph.Keys);
        var cycles = new List<string>();
        foreach (var start in graph.Keys)
        {
            // Depth-first from each folder: reaching it again is a cycle.
            var stack = new Stack<List<string>>([[start]]);
            var seen = new HashSet<string>();
            while (stack.Count > 0)
            {
                var path = stack.Pop();
                foreach (var next in graph.GetValueOrDefault(path[^1]) ?? [])
                {
                    if (next == start) cycles.Add(string.Join(" -> ", path.Append(next)));
                    else if (seen.Add(next)) stack.Push([.. path, next]);
                }
            }
        }
        Assert.True(cycles.Count == 0, "folder cycles in host/:\n" + string.Join("\n", cycles.Distinct()));
    }
}
