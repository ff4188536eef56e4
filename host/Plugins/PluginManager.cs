using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>
/// The plugin registry: what is loaded from <c>plugins_dir</c> (and what failed, with why), the
/// contributions of the core and of every loaded plugin, and the serialized add / swap / remove
/// protocol driven by <see cref="LoadAllAsync"/>, <see cref="RescanAsync"/> and the folder watcher.
/// </summary>
internal sealed partial class PluginManager : IAsyncDisposable
{
    private readonly PluginHostOptions _options;
    private readonly IPluginSetHost? _host;
    private readonly PluginContributions _contributions;
    private readonly ShadowCopier _shadow;
    private readonly PluginLoader _loader;
    private readonly PluginUnloader _unloader;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PluginSlot> _slots = [];    // load order; touched only under _gate
    private volatile LoadedPlugin[] _active = [];      // what the registry answers with, replaced whole
    private volatile PluginInfo[] _infos = [];
    private PluginFolderWatcher? _watcher;
    private readonly object _releaseLock = new();
    private Task _release = Task.CompletedTask;
    private bool _servicesStarted;
    private bool _disposed;

    /// <param name="options">plugins_dir and timings.</param>
    /// <param name="hostServices">What plugins see as <see cref="IPluginBuilder.HostServices"/> (its <see cref="TimeProvider"/> times the manager too).</param>
    /// <param name="loggerFactory">Given to plugins, and used for the manager's own log.</param>
    /// <param name="host">
    /// The host around changes (<see cref="IPluginSetHost"/>): re-applies the configuration for each change after the
    /// first load, tells what of the configuration in force needs a plugin (a plugin whose folder is removed while
    /// something needs it keeps running, <see cref="PluginState.Removing"/>, until a configuration without that
    /// applied) and says when a configuration applied. Without it a change applies nothing and a removed folder's
    /// plugin always goes at once.
    /// </param>
    /// <param name="contributions">The registry the manager loads into (the core's contributions are listed first).</param>
    public PluginManager(
        PluginHostOptions options,
        IServiceProvider hostServices,
        ILoggerFactory loggerFactory,
        IPluginSetHost? host,
        PluginContributions? contributions = null)
    {
        _options = options;
        _host = host;
        _contributions = contributions ?? new PluginContributions();
        _logger = loggerFactory.CreateLogger("Sluice.Plugins");
        _time = hostServices.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        _shadow = new ShadowCopier(options.ShadowRoot);
        _loader = new PluginLoader(_shadow, options.SharedAssemblies, hostServices, loggerFactory);
        _unloader = new PluginUnloader(options, _logger);
        if (host is not null) host.ConfigurationApplied += ConfigurationChanged;
    }

    /// <summary>A manager driven by two functions (tests): <paramref name="onChange"/> re-applies, <paramref name="users"/> tells what uses a plugin.</summary>
    public PluginManager(
        PluginHostOptions options,
        IServiceProvider hostServices,
        ILoggerFactory loggerFactory,
        Func<PluginSetChange, CancellationToken, Task>? onChange = null,
        ContributionSet? core = null,
        Func<IPluginContributions, IReadOnlyList<string>>? users = null)
        : this(options, hostServices, loggerFactory, onChange is null && users is null ? null : new DelegatePluginSetHost(onChange, users),
            new PluginContributions(core))
    {
    }

    /// <summary>The registry this manager loads into.</summary>
    public PluginContributions Contributions => _contributions;

    /// <summary>Every contribution of that contract, core ones first (a shortcut to <see cref="Contributions"/>).</summary>
    public IReadOnlyList<T> All<T>() where T : class => _contributions.All<T>();

    /// <summary>Raised after each change was handled (also for failures), for logs, the API and tests.</summary>
    public event Action<PluginChangeOutcome>? ChangeCompleted;

    public string PluginsDirectory => _options.PluginsDirectory;

    /// <summary>Every plugin folder with its state, in load order (<c>sluice plugins</c>).</summary>
    public IReadOnlyList<PluginInfo> Plugins => _infos;

    /// <summary>Discovers and loads every plugin folder; no change callback (there is no configuration yet).</summary>
    public Task<IReadOnlyList<PluginChangeOutcome>> LoadAllAsync(CancellationToken cancellationToken = default)
    {
        _shadow.DeleteStaleSiblings();
        return SyncAsync(notify: false, retryRemovals: false, cancellationToken);
    }

    /// <summary>Starts the services of every loaded plugin (after the configuration was applied); later additions start theirs.</summary>
    public async Task StartServicesAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _servicesStarted = true;
            foreach (var plugin in _active) await _unloader.StartServicesAsync(plugin, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Compares the folder with what is loaded and adds, swaps or removes plugins, one change at a time.</summary>
    public Task<IReadOnlyList<PluginChangeOutcome>> RescanAsync(CancellationToken cancellationToken = default) =>
        SyncAsync(notify: true, retryRemovals: false, cancellationToken);

    /// <summary>
    /// Like <see cref="RescanAsync"/>, and every plugin waiting to be removed goes if the configuration in
    /// force no longer uses it (its outcome is reported then).
    /// </summary>
    public Task<IReadOnlyList<PluginChangeOutcome>> ReleaseUnusedAsync(CancellationToken cancellationToken = default) =>
        SyncAsync(notify: true, retryRemovals: true, cancellationToken);

    /// <summary>
    /// The host applied another configuration: plugins waiting to be removed are checked again, in the
    /// background (the caller may hold locks the change callback needs).
    /// </summary>
    public void ConfigurationChanged()
    {
        if (_disposed || !_infos.Any(i => i.State == PluginState.Removing)) return;
        lock (_releaseLock)
        {
            _release = _release.ContinueWith(_ => ReleaseInBackgroundAsync(), TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>What of the configuration in force needs the plugin of <paramref name="folder"/> (empty: nothing, or not loaded).</summary>
    public IReadOnlyList<string> UsersOf(string folder) =>
        _active.FirstOrDefault(p => p.Folder == folder) is { } plugin ? UsersWithout(plugin) : [];

    private async Task ReleaseInBackgroundAsync()
    {
        try
        {
            if (!_disposed) await ReleaseUnusedAsync();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "checking the plugins waiting to be removed failed");
        }
    }

    /// <summary>Watches plugins_dir (events with a quiet period, plus a periodic rescan) and applies changes.</summary>
    public void StartWatching()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_watcher is not null) return;
        Directory.CreateDirectory(_options.PluginsDirectory);
        _watcher = new PluginFolderWatcher(_options, ct => RescanAsync(ct), _logger, _time);
        _logger.LogInformation("watching {Directory} for plugin changes", _options.PluginsDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_watcher is not null) await _watcher.DisposeAsync();
        Task release;
        lock (_releaseLock) release = _release;
        await release;
        await _gate.WaitAsync();
        try
        {
            var plugins = _slots.Where(s => s.Plugin is not null).Select(s => s.Plugin!).Reverse().ToList();
            _slots.Clear();
            Publish();
            foreach (var plugin in plugins)
            {
                await _unloader.StopServicesAsync(plugin);
                plugin.Release();
            }
            ShadowCopier.Delete(_shadow.Root);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<PluginChangeOutcome>> SyncAsync(bool notify, bool retryRemovals, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_disposed) return [];
            _unloader.SweepLingering();
            var outcomes = new List<PluginChangeOutcome>();
            var folders = Directory.Exists(_options.PluginsDirectory)
                ? Directory.GetDirectories(_options.PluginsDirectory).Order(StringComparer.Ordinal).ToList()
                : [];

            // A removal that waits for the configuration is tried again only when asked (a configuration
            // changed) or after another change (a plugin that took over its part may have come).
            foreach (var slot in _slots.Where(s => !folders.Contains(s.Folder) && s.UsedBy is null).ToList())
            {
                if (await RemoveAsync(slot, notify, cancellationToken) is { } outcome) outcomes.Add(outcome);
            }

            foreach (var folder in folders)
            {
                var slot = _slots.Find(s => s.Folder == folder);
                if (slot is { UsedBy: not null } && FolderStamp.Of(folder) == slot.Stamp)
                {
                    slot.UsedBy = null;
                    slot.Error = null;
                    Publish();
                    _logger.LogInformation("{Plugin}: its folder {Folder} is back, it is not removed", slot.Plugin!.Describe(), folder);
                    continue;
                }
                if (slot is not null && FolderStamp.Of(folder) == slot.Stamp) continue;
                // While running, a folder still being written is left for the next scan.
                if (notify && !await SettledAsync(folder, cancellationToken)) continue;
                if (slot is not null) slot.UsedBy = null;   // back with other files: a replacement
                outcomes.Add(slot is null
                    ? await AddAsync(folder, notify, cancellationToken)
                    : await ReplaceAsync(slot, notify, cancellationToken));
            }

            if (retryRemovals || outcomes.Any(o => o.Applied))
            {
                foreach (var slot in _slots.Where(s => s.UsedBy is not null && !folders.Contains(s.Folder)).ToList())
                {
                    if (await RemoveAsync(slot, notify, cancellationToken) is { } outcome) outcomes.Add(outcome);
                }
            }

            foreach (var outcome in outcomes) Report(outcome);
            return outcomes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True once the folder's stamp stays the same over a short pause (a copy in progress changes it).</summary>
    private async Task<bool> SettledAsync(string folder, CancellationToken cancellationToken)
    {
        var pause = _options.SettleTime;
        var previous = FolderStamp.Of(folder);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(pause, _time, cancellationToken);
            var now = FolderStamp.Of(folder);
            if (now == previous) return true;
            previous = now;
        }
        _logger.LogInformation("plugin folder {Folder} is still changing; it is loaded once it settles", folder);
        return false;
    }

    private void Report(PluginChangeOutcome outcome)
    {
        try
        {
            ChangeCompleted?.Invoke(outcome);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "a ChangeCompleted handler failed for {Change}", outcome.Change);
        }
    }

    private void Publish()
    {
        _active = _slots.Where(s => s.Plugin is not null).Select(s => s.Plugin!).ToArray();
        _contributions.Publish(_active);
        _infos = _slots.Select(s => s.ToInfo()).ToArray();
    }

    /// <summary>One plugin folder: the version running (if any) and the result of the latest attempt.</summary>
    private sealed class PluginSlot(string folder)
    {
        public string Folder { get; } = folder;
        public LoadedPlugin? Plugin { get; set; }
        public FolderStamp Stamp { get; set; }
        public PluginManifest? Manifest { get; set; }
        public string? Error { get; set; }

        /// <summary>Set while its folder is gone and the configuration in force still needs it.</summary>
        public IReadOnlyList<string>? UsedBy { get; set; }

        public PluginInfo ToInfo() => Plugin is { } p
            ? new PluginInfo(Folder, UsedBy is null ? PluginState.Loaded : PluginState.Removing, p.Manifest, Error, p.LoadedAt) { UsedBy = UsedBy ?? [] }
            : new PluginInfo(Folder, PluginState.Failed, Manifest, Error, null);
    }
}
