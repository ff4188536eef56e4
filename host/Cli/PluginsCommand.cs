using System.CommandLine;
using Sluice.Host.Hosting;
using Sluice.Host.Plugins;

namespace Sluice.Host.Cli;

/// <summary><c>sluice plugins [-c FILE]</c>: every plugin folder with name, version and state.</summary>
internal static class PluginsCommand
{
    public static Command Create()
    {
        var config = SluiceCli.ConfigOption(required: false);
        var command = new Command("plugins", "List the plugins found in plugins_dir: name, version, state") { config };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var file = parse.GetValue(config);
            if (!await SluiceCli.CanReadAsync(file)) return SluiceCli.UnreadableConfig;
            await using var host = await OfflineHost.StartAsync(new ConfigSource(file?.FullName), ct);
            Console.WriteLine($"plugins_dir {host.Plugins.PluginsDirectory}");
            foreach (var p in host.Plugins.Plugins)
            {
                var state = p.State == PluginState.Loaded ? "loaded" : $"failed: {p.Error}";
                Console.WriteLine($"{p.Name,-28} {p.Version ?? "-",-10} {state}");
            }
            return 0;
        });
        return command;
    }
}
