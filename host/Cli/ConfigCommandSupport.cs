using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;

namespace Sluice.Host.Cli;

/// <summary>
/// What the one-shot commands (check, plugins, notify explain/bench) need: the host's core with the
/// plugins of the configuration's plugins_dir loaded (they own directives and sink types). Nothing is
/// applied: no stream starts, no listener opens.
/// </summary>
internal static class OfflineHost
{
    public static async Task<HostCore> StartAsync(ConfigSource source, CancellationToken ct)
    {
        var core = HostCore.Create(source, NullLoggerFactory.Instance);
        await core.Plugins.LoadAllAsync(ct);
        return core;
    }

    public static ConfigLoadResult Load(this HostCore core) => core.Load(core.Source.ReadText());
}
