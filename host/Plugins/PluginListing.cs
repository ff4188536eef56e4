namespace Sluice.Host.Plugins;

/// <summary>
/// The text of <c>sluice plugins</c>: one line per plugin folder, then the reason of each problem and
/// what of the configuration uses each plugin.
/// </summary>
internal static class PluginListing
{
    /// <param name="usedBy">What of the configuration uses a Loaded plugin (a Removing one says it in its reason).</param>
    public static void Write(TextWriter output, IReadOnlyList<PluginInfo> plugins, string pluginsDirectory,
        Func<PluginInfo, IReadOnlyList<string>>? usedBy = null)
    {
        if (plugins.Count == 0)
        {
            output.WriteLine($"no plugins in {pluginsDirectory}");
            return;
        }
        var nameWidth = Math.Max(4, plugins.Max(p => p.Name.Length));
        var versionWidth = Math.Max(7, plugins.Max(p => (p.Version ?? "-").Length));
        var stateWidth = plugins.Any(p => p.State == PluginState.Removing) ? 8 : 6;
        var indent = "".PadRight(nameWidth);
        output.WriteLine($"{"NAME".PadRight(nameWidth)}  {"VERSION".PadRight(versionWidth)}  {"STATE".PadRight(stateWidth)}  FOLDER");
        foreach (var p in plugins)
        {
            output.WriteLine($"{p.Name.PadRight(nameWidth)}  {(p.Version ?? "-").PadRight(versionWidth)}  {p.State.ToString().PadRight(stateWidth)}  {p.Folder}");
            if (p.Error is not null) output.WriteLine($"{indent}  {p.Error}");
            if (p.State == PluginState.Loaded && usedBy?.Invoke(p) is { Count: > 0 } users)
                output.WriteLine($"{indent}  used by {string.Join(", ", users)}");
        }
    }
}
