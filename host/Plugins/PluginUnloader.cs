using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>
/// Starts and stops a plugin's services, and takes a plugin away: stop, drop every reference,
/// unload its context, then prove the context was collected (or warn that something still holds it).
/// </summary>
internal sealed class PluginUnloader(PluginHostOptions options, ILogger logger)
{
    /// <summary>Contexts not collected in time, with their shadow copies: deleted once they are gone.</summary>
    private readonly List<(WeakReference Context, string ShadowDirectory, string Plugin, DateTime UnloadedUtc)> _lingering = [];

    public async Task StartServicesAsync(LoadedPlugin plugin, CancellationToken cancellationToken)
    {
        if (plugin.ServicesStarted) return;
        plugin.ServicesStarted = true;
        foreach (var service in plugin.Contributions.Of<IPluginService>())
        {
            try
            {
                await service.StartAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogError("{Plugin}: service {Service} failed to start: {Message}", plugin.Describe(), service.GetType().FullName, e.Message);
            }
        }
    }

    public async Task StopServicesAsync(LoadedPlugin plugin)
    {
        if (!plugin.ServicesStarted) return;
        plugin.ServicesStarted = false;
        using var timeout = new CancellationTokenSource(options.StopTimeout);
        foreach (var service in plugin.Contributions.Of<IPluginService>().Reverse())
        {
            try
            {
                await service.StopAsync(timeout.Token).WaitAsync(options.StopTimeout);
            }
            catch (Exception e)
            {
                logger.LogWarning("{Plugin}: service {Service} failed to stop: {Message}", plugin.Describe(), service.GetType().FullName, e.Message);
            }
        }
    }

    /// <summary>Stops, releases and unloads <paramref name="plugin"/>; returns whether its context was collected.</summary>
    public async Task<(bool Collected, WeakReference? Context)> UnloadAsync(LoadedPlugin plugin)
    {
        await StopServicesAsync(plugin);
        var weak = plugin.Release();
        if (weak is null) return (true, null);
        var clock = Stopwatch.StartNew();
        var collected = await WaitForCollectionAsync(weak, options.CollectTimeout);
        if (collected)
        {
            // The copy goes first, so whoever reads the line (an operator, a test) finds it gone.
            ShadowCopier.Delete(plugin.ShadowDirectory);
            logger.LogInformation("{Plugin} unloaded and collected ({Milliseconds} ms)", plugin.Describe(), clock.ElapsedMilliseconds);
        }
        else
        {
            // Its shadow copy stays while the context may still run code from it (or load more from it).
            logger.LogWarning("{Plugin} not collected after {Seconds:0.#}s (something still references it)",
                plugin.Describe(), options.CollectTimeout.TotalSeconds);
            lock (_lingering) _lingering.Add((weak, plugin.ShadowDirectory, plugin.Describe(), DateTime.UtcNow));
        }
        return (collected, weak);
    }

    /// <summary>
    /// Deletes the shadow copies of contexts that were not collected in time but are gone now (a late
    /// collection: the reference that held them went). Cheap: no collection is forced.
    /// </summary>
    public void SweepLingering()
    {
        lock (_lingering)
        {
            for (var i = _lingering.Count - 1; i >= 0; i--)
            {
                var (context, shadow, plugin, unloaded) = _lingering[i];
                if (context.IsAlive) continue;
                _lingering.RemoveAt(i);
                ShadowCopier.Delete(shadow);
                logger.LogInformation("{Plugin} was collected late ({Seconds:0} s after unload); its shadow copy is deleted",
                    plugin, (DateTime.UtcNow - unloaded).TotalSeconds);
            }
        }
    }

    /// <summary>Collects until the context is gone: unloading takes a few GC and finalizer rounds.</summary>
    public static async Task<bool> WaitForCollectionAsync(WeakReference context, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        for (var round = 0; ; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            if (!context.IsAlive) return true;
            if (clock.Elapsed >= timeout) return false;
            await Task.Delay(round < 10 ? 20 : 100);
        }
    }
}
