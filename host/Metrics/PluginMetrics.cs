using System.Diagnostics.Metrics;
using Sluice.Host.Plugins;

namespace Sluice.Host.Metrics;

/// <summary>Plugins by state and version (from the plugin manager's listing), and every change it completed.</summary>
internal sealed class PluginMetrics : IDisposable
{
    private readonly Meter _meter = new(SluiceMeters.Plugins);
    private readonly PluginManager _plugins;
    private readonly Counter<long> _changes;

    public PluginMetrics(PluginManager plugins)
    {
        _plugins = plugins;
        _meter.CreateObservableGauge("sluice_plugins", () => Enum.GetValues<PluginState>().Select(state =>
                new Measurement<int>(plugins.Plugins.Count(p => p.State == state), new KeyValuePair<string, object?>("state", Name(state)))),
            description: "Plugin folders per state (loaded, failed, removing).");
        _meter.CreateObservableGauge("sluice_plugin_info", () => plugins.Plugins.Select(p => new Measurement<int>(1,
                new("plugin", p.Name), new("version", p.Version ?? ""), new("state", Name(p.State)))),
            description: "1 per plugin folder, with its name, version and state.");
        _changes = _meter.CreateCounter<long>("sluice_plugin_changes", description: "Plugin changes (kind added, replaced, removed; outcome applied or failed).");
        plugins.ChangeCompleted += Count;
    }

    private static string Name(PluginState state) => state.ToString().ToLowerInvariant();

    private void Count(PluginChangeOutcome o) => _changes.Add(1, new KeyValuePair<string, object?>("kind", o.Change.Kind.ToString().ToLowerInvariant()),
        new KeyValuePair<string, object?>("outcome", o.Applied ? "applied" : "failed"));

    public void Dispose()
    {
        _plugins.ChangeCompleted -= Count;
        _meter.Dispose();
    }
}
