using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Host.Events;
using Sluice.Host.Plugins;

namespace Sluice.Host.Notify;

/// <summary>Registers the notify pipeline: router (as emitter and configuration listener), config section, system monitor.</summary>
internal static class NotifyServices
{
    /// <summary>Needs <see cref="IPluginContributions"/> registered; <see cref="ILoggerFactory"/> is used when present.</summary>
    public static IServiceCollection AddNotify(this IServiceCollection services, NotifyRouterSettings settings,
        SystemMonitorSettings? monitor = null)
    {
        services.AddSingleton(sp => new EventRouter(settings, sp.GetRequiredService<IPluginContributions>(),
            sp.GetService<ILoggerFactory>(), sp));
        services.AddSingleton<IEventEmitter>(sp => sp.GetRequiredService<EventRouter>());
        services.AddSingleton<IConfigurationListener>(sp => sp.GetRequiredService<EventRouter>());
        services.AddSingleton<IConfigSection, NotifyConfigSection>();
        services.AddSingleton(sp => new SystemMonitor(sp.GetRequiredService<IEventEmitter>(), monitor));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SystemMonitor>());
        return services;
    }
}
