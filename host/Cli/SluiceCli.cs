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

    /// <summary>Exit code of every command whose <c>-c FILE</c> is missing or cannot be read.</summary>
    public const int UnreadableConfig = 2;

    /// <summary>
    /// Checks that <c>-c FILE</c> can be read before anything starts: a missing or unreadable file is one
    /// line on stderr (no stack trace, no fallback to the default configuration). True when there is none
    /// to check or it reads.
    /// </summary>
    public static async Task<bool> CanReadAsync(FileInfo? file)
    {
        if (file is null) return true;
        string? problem = null;
        if (!file.Exists && !Directory.Exists(file.FullName)) problem = "no such configuration file";
        else
        {
            try
            {
                using var stream = File.OpenRead(file.FullName);
                stream.ReadByte();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = "cannot read the configuration: " + e.Message;
            }
        }
        if (problem is null) return true;
        await Console.Error.WriteLineAsync($"sluice: {file.FullName}: {problem}");
        return false;
    }

    /// <summary><c>-c FILE</c>, shared by the commands that read a configuration.</summary>
    public static Option<FileInfo?> ConfigOption(bool required) => new("--config", "-c")
    {
        Description = required ? "Configuration file" : "Configuration file (default: the embedded demo configuration)",
        Required = required,
    };
}
