using Microsoft.Extensions.Logging;

namespace Sluice.Host.Plugins;

/// <summary>
/// Triggers a rescan of plugins_dir after file-system events have been quiet for the debounce period
/// (a copy of many files is one change), and periodically anyway, since events can be lost
/// (network shares, buffer overflows, editors renaming files).
/// </summary>
internal sealed class PluginFolderWatcher : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task> _rescan;
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly FileSystemWatcher _watcher;
    private readonly ITimer _quietTimer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _periodic;

    public PluginFolderWatcher(PluginHostOptions options, Func<CancellationToken, Task> rescan, ILogger logger, TimeProvider? time = null)
    {
        _rescan = rescan;
        _logger = logger;
        _debounce = options.Debounce;
        var clock = time ?? TimeProvider.System;
        _quietTimer = clock.CreateTimer(_ => _ = RunAsync("file change"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(options.PluginsDirectory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Created += OnEvent;
        _watcher.Changed += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += OnEvent;
        _watcher.Error += (_, e) =>
        {
            _logger.LogWarning("plugin folder watcher: {Message}; rescanning", e.GetException().Message);
            OnEvent(this, null);
        };
        _watcher.EnableRaisingEvents = true;
        _periodic = PeriodicAsync(options.RescanInterval, clock);
    }

    /// <summary>Every event pushes the rescan back to one quiet period after it.</summary>
    private void OnEvent(object? sender, FileSystemEventArgs? e)
    {
        if (_stop.IsCancellationRequested) return;
        try
        {
            _quietTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task PeriodicAsync(TimeSpan interval, TimeProvider time)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await RunAsync("periodic rescan");
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync(string why)
    {
        if (_stop.IsCancellationRequested) return;
        try
        {
            await _rescan(_stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && _stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "plugin rescan ({Why}) failed", why);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        await _quietTimer.DisposeAsync();
        await _periodic;
        _stop.Dispose();
    }
}
