using Sluice.Abstractions.Plugins;

namespace Sluice.Dashboard;

/// <summary>The web dashboard: <c>/</c> redirects to <c>/dashboard/</c>, whose files are embedded in this assembly.</summary>
public sealed class DashboardPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        var files = new EmbeddedFiles(typeof(DashboardPlugin).Assembly, "dashboard/");
        plugin.AddRoutes(endpoints => DashboardRoutes.Map(endpoints, files));
    }
}
