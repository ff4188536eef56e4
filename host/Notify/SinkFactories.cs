using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;

namespace Sluice.Host.Notify;

/// <summary>Finding the sink type for a spec among what the plugins contribute.</summary>
internal static class SinkFactories
{
    public static IReadOnlyList<IEventSinkFactory> From(IServiceProvider services) =>
        services.GetService(typeof(IPluginContributions)) is IPluginContributions contributions
            ? contributions.All<IEventSinkFactory>()
            : services.GetService(typeof(IEnumerable<IEventSinkFactory>)) as IEnumerable<IEventSinkFactory> is { } list
                ? list.ToArray()
                : [];

    /// <summary>The first sink type (core first, then plugins in load order) that claims the spec.</summary>
    public static IEventSinkFactory? Claiming(IReadOnlyList<IEventSinkFactory> factories, string spec)
    {
        foreach (var f in factories)
        {
            if (f.Claims(spec)) return f;
        }
        return null;
    }

    public static string Describe(IReadOnlyList<IEventSinkFactory> factories) =>
        factories.Count == 0 ? "none loaded" : string.Join("; ", factories.Select(f => $"{f.Name} ({f.SpecForms})"));

    public static SinkContext SinkContext(this NotifyBlockOptions block, string configDirectory, string serverName, ILogger logger,
        IServiceProvider services, IConfigDiagnostics diagnostics, TimeProvider? time = null) =>
        new()
        {
            BlockName = block.Name, Spec = block.Sink, Location = block.SinkLocation, Options = block.SinkOptions,
            SignKeys = block.SignKeys, ConfigDirectory = configDirectory, ServerName = serverName,
            Logger = logger, Services = services, Diagnostics = diagnostics,
            Time = time ?? services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System,
        };
}
