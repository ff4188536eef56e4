using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Host.Configuration;
using Sluice.Host.Events;
using Sluice.Host.Plugins;

namespace Sluice.Host.Hosting;

/// <summary>
/// The one path that loads, validates and applies configuration: at start, on reload (SIGHUP,
/// <c>POST /api/v1/config/reload</c>) and again after a plugin change. Applying is all-or-nothing: every
/// stage (<see cref="IConfigurationStage"/>: server options, notify, streams, protocols) prepares first; if any
/// component cannot be built, every prepared change is discarded, what runs stays, and the errors are returned;
/// otherwise all commit, then the plugins' own configuration listeners apply. The configuration in force is the
/// last one that fully applied; a plugin change binds that one again (its tree, never the files re-read).
/// </summary>
internal sealed class ConfigurationCoordinator(
    ConfigSource source,
    ConfigurationAccessor configuration,
    PluginContributions contributions,
    IEnumerable<IConfigurationStage> stages,
    IEventEmitter events,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : IConfigurationReloader, IPluginSetHost
{
    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Host");
    private readonly IConfigurationStage[] _stages = stages.ToArray();
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Raised after every configuration that fully applied (start, reload, plugin change).</summary>
    public event Action? ConfigurationApplied;

    public ConfigSource Source => source;

    /// <summary>Parses, validates and binds <paramref name="text"/> with every section loaded now.</summary>
    public ConfigLoadResult Load(string text) =>
        new ConfigLoader(contributions.All<IConfigSection>(), services).LoadString(text, source.DisplayName, source.Directory);

    /// <summary>Reads the source and loads it; an unreadable file is one error at its first line.</summary>
    public ConfigLoadResult LoadSource()
    {
        try
        {
            return Load(source.ReadText());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ConfigLoadResult(null, [new Diagnostic(DiagnosticSeverity.Error, new SourceLocation(source.DisplayName, 1, 1), $"cannot read: {e.Message}")]);
        }
    }

    /// <summary>The first configuration: loaded and applied whole, or nothing runs (the host does not start).</summary>
    public async Task<ConfigApplyResult> StartAsync(CancellationToken cancellationToken)
    {
        var loaded = LoadSource();
        if (loaded.Configuration is not { } next)
        {
            foreach (var d in loaded.Diagnostics) _log.Log(d.Severity == DiagnosticSeverity.Error ? LogLevel.Error : LogLevel.Warning, "{Diagnostic}", d.ToString());
            _log.LogCritical("configuration {Config} is invalid; not starting", source.DisplayName);
            return new ConfigApplyResult(loaded, []);
        }
        foreach (var w in next.Warnings) _log.LogWarning("{Diagnostic}", w.ToString());
        var errors = await ApplyAsync(next, cancellationToken);
        if (errors.Count > 0) _log.LogCritical("configuration {Config} could not be applied; not starting", source.DisplayName);
        return new ConfigApplyResult(loaded, errors);
    }

    /// <summary>Reads the file again; applies it when it validates and every component builds, otherwise keeps what runs.</summary>
    public async Task<ConfigApplyResult> ReloadAsync(CancellationToken cancellationToken)
    {
        var loaded = LoadSource();
        if (loaded.Configuration is not { } next)
        {
            foreach (var d in loaded.Errors) _log.LogError("reload refused: {Diagnostic}", d.ToString());
            _log.LogWarning("configuration {Config} is invalid; the running configuration stays", source.DisplayName);
            return new ConfigApplyResult(loaded, []);
        }
        foreach (var w in next.Warnings) _log.LogWarning("{Diagnostic}", w.ToString());
        var errors = await ApplyAsync(next, cancellationToken);
        if (errors.Count > 0)
        {
            _log.LogWarning("configuration {Config} was not applied; the running configuration stays", source.DisplayName);
            return new ConfigApplyResult(loaded, errors);
        }
        events.ConfigReloaded(source.FilePath);
        _log.LogInformation("configuration {Config} reloaded", source.DisplayName);
        return new ConfigApplyResult(loaded, []);
    }

    /// <summary>
    /// A plugin was added, replaced or removed (<see cref="IPluginContributions.All{T}"/> answers with the new set):
    /// the configuration in force is bound again with the new sections and applied. Throwing makes the plugin
    /// manager roll an addition or replacement back.
    /// </summary>
    public async Task ApplyAsync(PluginSetChange change, CancellationToken cancellationToken)
    {
        if (!configuration.HasValue) return;
        var rebound = new ConfigLoader(contributions.All<IConfigSection>(), services).Rebind(configuration.Current);
        if (rebound.Configuration is not { } next)
            throw new InvalidOperationException($"after {change} the configuration in force no longer validates: " + string.Join("; ", rebound.Errors));
        var errors = await ApplyAsync(next, cancellationToken);
        if (errors.Count > 0)
            throw new InvalidOperationException($"after {change} the configuration in force cannot be applied: " + string.Join("; ", errors));
        _log.LogInformation("{Change}: configuration re-applied", change);
    }

    public IReadOnlyList<string> UsersOf(IPluginContributions remaining) =>
        configuration.HasValue ? PluginUsage.UsersOf(configuration.Current, remaining, services) : [];

    /// <summary>Prepares every stage, then commits all or discards all; returns the components that could not be built.</summary>
    private async Task<IReadOnlyList<string>> ApplyAsync(SluiceConfiguration next, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var prepared = new List<IStagedChange>();
            var errors = new List<string>();
            foreach (var stage in _stages)
            {
                try
                {
                    var change = await stage.PrepareAsync(next, cancellationToken);
                    prepared.Add(change);
                    errors.AddRange(change.Errors);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    errors.Add($"{stage.Name}: {e.Message}");
                    _log.LogError(e, "preparing {Stage} failed", stage.Name);
                }
            }
            if (errors.Count > 0 || cancellationToken.IsCancellationRequested)
            {
                foreach (var change in prepared) await change.DisposeAsync();
                foreach (var e in errors) _log.LogError("not applied: {Error}", e);
                cancellationToken.ThrowIfCancellationRequested();
                return errors;
            }

            configuration.Set(next);
            // Past this point the switch is not cancellable: half a configuration must never stay applied.
            foreach (var change in prepared)
            {
                try
                {
                    await change.CommitAsync(CancellationToken.None);
                }
                catch (Exception e)
                {
                    _log.LogError(e, "switching to the new configuration failed in part");
                }
                finally
                {
                    await change.DisposeAsync();
                }
            }
            foreach (var listener in contributions.All<IConfigurationListener>())
            {
                try
                {
                    await listener.ApplyAsync(next, CancellationToken.None);
                }
                catch (Exception e)
                {
                    _log.LogError(e, "{Listener} failed to apply the configuration", listener.GetType().FullName);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
        ConfigurationApplied?.Invoke();   // a plugin waiting to be removed may be unused now; plugin routes are replaced
        return [];
    }
}
