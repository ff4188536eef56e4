using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;
using Sluice.Dvr.Playback;

namespace Sluice.Dvr;

/// <summary>The plugin's background part: retention of every open archive every <c>RetentionInterval</c>, idle play sessions closed.</summary>
internal sealed class DvrService(DvrRuntime runtime, PlaybackGate gate, ILogger log) : IPluginService
{
    private CancellationTokenSource? _stop;
    private Task? _retention, _sweep;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        _retention = LoopAsync(runtime.Settings.RetentionInterval, Retention, _stop.Token);
        _sweep = LoopAsync(runtime.Settings.SweepInterval, gate.Sweep, _stop.Token);
        return Task.CompletedTask;
    }

    private void Retention()
    {
        foreach (var archive in runtime.Store.All)
        {
            if (archive.Ready.IsCompletedSuccessfully) archive.ApplyRetention();
        }
    }

    private async Task LoopAsync(TimeSpan interval, Action work, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, runtime.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try { work(); }
                catch (Exception e) when (e is not OutOfMemoryException) { log.LogError(e, "DVR housekeeping failed"); }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_retention!, _sweep!).ConfigureAwait(false);
        _stop.Dispose();
        _stop = null;
        gate.Dispose();
    }
}
