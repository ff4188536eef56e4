using System.CommandLine;

namespace Sluice.Host.Cli;

/// <summary>The `sluice` command line: run, check, plugins, events, notify explain / bench.</summary>
internal static class SluiceCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Sluice: a media server host speaking Flussonic's configuration and events API")
        {
            RunCommand.Create(),
            CheckCommand.Create(),
            PluginsCommand.Create(),
            EventsCommand.Create(),
            NotifyCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary><c>-c FILE</c>, shared by the commands that read a configuration.</summary>
    public static Option<FileInfo?> ConfigOption(bool required) => new("--config", "-c")
    {
        Description = required ? "Configuration file" : "Configuration file (default: the embedded demo configuration)",
        Required = required,
    };
}
