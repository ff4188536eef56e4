using System.CommandLine;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Logging;

namespace Sluice.Host.Cli;

internal static class RunCommand
{
    public static Command Create()
    {
        var config = SluiceCli.ConfigOption(required: false);
        var command = new Command("run", "Run the server") { config };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var file = parse.GetValue(config);
            if (!await SluiceCli.CanReadAsync(file)) return SluiceCli.UnreadableConfig;
            using var logging = new SluiceLogging();
            await using var server = new SluiceServer(new ConfigSource(file?.FullName), logging);
            return await server.RunAsync(ct);
        });
        return command;
    }
}
