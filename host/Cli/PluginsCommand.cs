using System.CommandLine;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Plugins;

namespace Sluice.Host.Cli;

/// <summary>
/// <c>sluice plugins [-c FILE]</c>: every plugin with name, version, state and what of the configuration
/// uses it; from the running host when one answers for that configuration (a removal waiting for the
/// configuration shows there), else from what plugins_dir holds.
/// </summary>
internal static class PluginsCommand
{
    public static Command Create()
    {
        var config = SluiceCli.ConfigOption(required: false);
        var command = new Command("plugins", "List the plugins: name, version, state, what uses them (of the running host, else of plugins_dir)") { config };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var file = parse.GetValue(config);
            if (!await SluiceCli.CanReadAsync(file)) return SluiceCli.UnreadableConfig;
            var source = new ConfigSource(file?.FullName);
            if (await RunningHostPlugins.TryGetAsync(source, ct) is { } running)
            {
                Console.WriteLine($"plugins_dir {running.PluginsDirectory} (running host at {running.Url})");
                PluginListing.Write(Console.Out, running.Plugins, running.PluginsDirectory, p => p.UsedBy);
                return 0;
            }
            await using var host = await OfflineHost.StartAsync(source, ct);
            // Not applied: only so that what uses each plugin can be told.
            if (host.Load().Configuration is { } configuration) host.Configuration.Set(configuration);
            Console.WriteLine($"plugins_dir {host.Plugins.PluginsDirectory} (no host running with {source.DisplayName})");
            PluginListing.Write(Console.Out, host.Plugins.Plugins, host.Plugins.PluginsDirectory, p => host.Plugins.UsersOf(p.Folder));
            return 0;
        });
        return command;
    }
}
