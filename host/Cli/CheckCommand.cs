using System.CommandLine;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;

namespace Sluice.Host.Cli;

/// <summary>
/// <c>sluice check -c FILE</c>: exit 0 when valid; otherwise every error on stderr and exit 1; exit 2 when
/// the file cannot be read.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = SluiceCli.ConfigOption(required: true);
        var command = new Command("check", "Validate a configuration file (errors as FILE:LINE:COL: message)") { config };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var file = parse.GetValue(config)!;
            if (!await SluiceCli.CanReadAsync(file)) return SluiceCli.UnreadableConfig;
            await using var host = await OfflineHost.StartAsync(new ConfigSource(file.FullName), ct);
            var result = host.Load();
            foreach (var d in result.Diagnostics) await Console.Error.WriteLineAsync(d.ToString());
            foreach (var p in host.Plugins.Plugins.Where(p => p.Error is not null))
                await Console.Error.WriteLineAsync(OneLine.Fold($"{file.FullName}: warning: plugin {p.Name} failed: {p.Error}"));
            if (result.Succeeded) await Console.Out.WriteLineAsync($"{file.FullName}: ok");
            return result.Succeeded ? 0 : 1;
        });
        return command;
    }
}
