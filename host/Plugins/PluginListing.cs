namespace Sluice.Host.Plugins;

/// <summary>The text of <c>sluice plugins</c>: one line per plugin folder, then the reason of each problem.</summary>
internal static class PluginListing
{
    public static void Write(TextWriter output, IReadOnlyList<PluginInfo> plugins, string pluginsDirectory)
    {
        if (plugins.Count == 0)
        {
            output.WriteLine($"no plugins in {pluginsDirectory}");
            return;
        }
        var nameWidth = Math.Max(4, plugins.Max(p => p.Name.Length));
        var versionWidth = Math.Max(7, plugins.Max(p => (p.Version ?? "-").Length));
        output.WriteLine($"{"NAME".PadRight(nameWidth)}  {"VERSION".PadRight(versionWidth)}  {"STATE",-6}  FOLDER");
        foreach (var p in plugins)
        {
            output.WriteLine($"{p.Name.PadRight(nameWidth)}  {(p.Version ?? "-").PadRight(versionWidth)}  {p.State,-6}  {p.Folder}");
            if (p.Error is not null) output.WriteLine($"{"".PadRight(nameWidth)}  {p.Error}");
        }
    }
}
