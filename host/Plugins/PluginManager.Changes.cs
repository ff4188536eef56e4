using Microsoft.Extensions.Logging;

namespace Sluice.Host.Plugins;

/// <summary>
/// The change protocol: load the new version beside the old -> host callback (re-apply, switch over,
/// drain) -> stop the old services -> start the new ones -> drop and unload the old -> prove it was collected.
/// A new version that fails, or that the host cannot apply, leaves the old one running.
/// </summary>
internal sealed partial class PluginManager
{
    private async Task<PluginChangeOutcome> AddAsync(string folder, bool notify, CancellationToken cancellationToken)
    {
        var slot = new PluginSlot(folder);
        _slots.Add(slot);
        return await LoadIntoAsync(slot, notify, cancellationToken);
    }

    private Task<PluginChangeOutcome> ReplaceAsync(PluginSlot slot, bool notify, CancellationToken cancellationToken) =>
        LoadIntoAsync(slot, notify, cancellationToken);

    private async Task<PluginChangeOutcome> LoadIntoAsync(PluginSlot slot, bool notify, CancellationToken cancellationToken)
    {
        var running = slot.Plugin;
        var result = _loader.Load(slot.Folder);
        slot.Stamp = result.Stamp;
        var change = new PluginSetChange(running is null ? PluginChangeKind.Added : PluginChangeKind.Replaced,
            slot.Folder, running?.Manifest, result.Manifest);

        var error = result.Error;
        if (result.Plugin is { } loaded && NameConflict(slot, loaded) is { } conflict)
        {
            await _unloader.UnloadAsync(loaded);
            error = conflict;
        }
        if (error is not null)
        {
            if (running is null)
            {
                slot.Manifest = result.Manifest;
                slot.Error = error;
                _logger.LogWarning("plugin folder {Folder} failed to load: {Reason}", slot.Folder, error);
            }
            else
            {
                slot.Error = $"version {result.Manifest?.Version ?? "?"} failed to load, {running.Manifest.Version} still runs: {error}";
                _logger.LogError("{Plugin}: the new files in {Folder} failed to load, the running version stays: {Reason}",
                    running.Describe(), slot.Folder, error);
            }
            Publish();
            return new PluginChangeOutcome(change, false, error);
        }

        slot.Manifest = result.Manifest;
        return await SwitchAsync(slot, result.Plugin!, change, notify, cancellationToken);
    }

    private async Task<PluginChangeOutcome> SwitchAsync(
        PluginSlot slot, LoadedPlugin next, PluginSetChange change, bool notify, CancellationToken cancellationToken)
    {
        var old = slot.Plugin;
        slot.Plugin = next;
        slot.Error = null;
        Publish();

        if (notify && await NotifyAsync(change, cancellationToken) is { } failure)
        {
            slot.Plugin = old;
            slot.Error = $"{next.Describe()} not taken: the host could not apply it: {failure}";
            Publish();   // with no running version the folder is listed Failed, not retried until its files change
            _logger.LogError("{Change} rolled back: the host could not apply it: {Reason}", change, failure);
            var undo = old is null
                ? change with { Kind = PluginChangeKind.Removed, Old = next.Manifest, New = null }
                : change with { Old = next.Manifest, New = old.Manifest };
            // Not cancellable: the host must get back to a set that exists.
            if (await NotifyAsync(undo, CancellationToken.None) is { } undoFailure)
                _logger.LogError("{Change} (rollback) failed too: {Reason}", undo, undoFailure);
            await _unloader.UnloadAsync(next);
            return new PluginChangeOutcome(change, false, failure);
        }

        if (old is not null) await _unloader.StopServicesAsync(old);
        if (_servicesStarted) await _unloader.StartServicesAsync(next, cancellationToken);
        _logger.LogInformation("{Change} ({Folder})", change, slot.Folder);
        if (old is null) return new PluginChangeOutcome(change, true, null);

        var (collected, context) = await _unloader.UnloadAsync(old);
        return new PluginChangeOutcome(change, true, null) { OldCollected = collected, OldContext = context };
    }

    /// <summary>
    /// The folder is gone. A plugin the configuration in force still uses stays (listed Removing, with what
    /// uses it) and is tried again later; null then when nothing changed since the last try.
    /// </summary>
    private async Task<PluginChangeOutcome?> RemoveAsync(PluginSlot slot, bool notify, CancellationToken cancellationToken)
    {
        var change = new PluginSetChange(PluginChangeKind.Removed, slot.Folder, slot.Plugin?.Manifest ?? slot.Manifest, null);
        if (slot.Plugin is not { } old)
        {
            _slots.Remove(slot);
            Publish();
            return new PluginChangeOutcome(change, true, null);
        }
        if (notify && UsersWithout(old) is { Count: > 0 } users) return Hold(slot, change, users);

        _slots.Remove(slot);
        Publish();
        // Nothing needs it: even if the host fails to re-apply, the plugin goes (its files are gone).
        string? failure = notify ? await NotifyAsync(change, cancellationToken) : null;
        if (failure is not null) _logger.LogError("{Change}: the host failed to re-apply without it: {Reason}", change, failure);
        _logger.LogInformation("{Change} ({Folder})", change, slot.Folder);
        slot.Plugin = null;
        var (collected, context) = await _unloader.UnloadAsync(old);
        return new PluginChangeOutcome(change, failure is null, failure) { OldCollected = collected, OldContext = context };
    }

    private PluginChangeOutcome? Hold(PluginSlot slot, PluginSetChange change, IReadOnlyList<string> users)
    {
        var known = slot.UsedBy is { } before && before.SequenceEqual(users);
        slot.UsedBy = users;
        var reason = $"in use by {string.Join(", ", users)}";
        slot.Error = $"its folder was removed; {reason}; it keeps running and is unloaded once the configuration no longer uses it";
        Publish();
        if (known) return null;
        _logger.LogWarning("{Plugin}: its folder {Folder} was removed, but it is {Reason}; it keeps running until a configuration without that is applied",
            slot.Plugin!.Describe(), slot.Folder, reason);
        return new PluginChangeOutcome(change, false, reason);
    }

    /// <summary>What of the configuration in force needs <paramref name="plugin"/>; empty when nothing (or when that cannot be told).</summary>
    private IReadOnlyList<string> UsersWithout(LoadedPlugin plugin)
    {
        if (_host is null) return [];
        try
        {
            return _host.UsersOf(_contributions.Without(plugin));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "could not tell what uses {Plugin}; taken as unused", plugin.Describe());
            return [];
        }
    }

    /// <summary>Calls the host back; returns why it failed, or null.</summary>
    private async Task<string?> NotifyAsync(PluginSetChange change, CancellationToken cancellationToken)
    {
        if (_host is null) return null;
        try
        {
            await _host.ApplyAsync(change, cancellationToken);
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private string? NameConflict(PluginSlot slot, LoadedPlugin loaded) =>
        _slots.FirstOrDefault(s => s != slot && s.Plugin is { } p
            && string.Equals(p.Manifest.Name, loaded.Manifest.Name, StringComparison.OrdinalIgnoreCase)) is { } other
            ? $"a plugin named {loaded.Manifest.Name} is already loaded from {other.Folder}"
            : null;
}
