using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Notify.Spool;

namespace Sluice.Host.Notify;

/// <summary>
/// What <see cref="EventRouter.PrepareAsync"/> built for a configuration: applied once by <see cref="EventRouter.CommitAsync"/>
/// or thrown away by <see cref="DiscardAsync"/> (its new sinks and spools disposed).
/// </summary>
internal sealed class NotifyChange
{
    private int _done;

    internal enum Kind { Keep, Reconfigure, Create, Replace, Failed }

    internal sealed record Planned(NotifyBlockOptions Options, Kind What, BlockSetup? Setup = null, SpoolLog? Spool = null);

    internal NotifyChange(long generation, IReadOnlyList<Planned> blocks, IReadOnlyList<string> errors, ILogger logger)
    {
        Generation = generation;
        Blocks = blocks;
        Errors = errors;
        _logger = logger;
    }

    private readonly ILogger _logger;

    /// <summary>Marks the change used; false when it was committed or discarded already.</summary>
    internal bool Take() => Interlocked.Exchange(ref _done, 1) == 0;

    /// <summary>Disposes what the change built (the running blocks never saw it); nothing once committed.</summary>
    public ValueTask DiscardAsync() => Take() ? DisposeBuiltAsync() : ValueTask.CompletedTask;

    internal async ValueTask DisposeBuiltAsync()
    {
        foreach (var p in Blocks)
        {
            if (p.Setup is { } s && p.What != Kind.Keep)
            {
                try { await s.Sink.DisposeAsync(); }
                catch (Exception e) { _logger.LogWarning(e, "notify {Block}: disposing an unused sink failed", p.Options.Name); }
            }
            p.Spool?.Dispose();
        }
    }

    internal long Generation { get; }

    internal IReadOnlyList<Planned> Blocks { get; }

    /// <summary>One line per block whose new sink or spool could not be made (<c>notify NAME: ...</c>).</summary>
    public IReadOnlyList<string> Errors { get; }

    public bool HasErrors => Errors.Count > 0;
}

internal sealed partial class EventRouter
{
    public ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken) =>
        new(ApplyAsync(configuration.Get<NotifyOptions>() ?? NotifyOptions.Empty, configuration.Directory, cancellationToken));

    /// <summary>
    /// <see cref="PrepareAsync"/> then <see cref="CommitAsync"/>: a block whose new sink or spool cannot be made is
    /// logged and keeps its previous setup (a new one is not started); every other block changes.
    /// </summary>
    public async Task ApplyAsync(NotifyOptions options, string? configDirectory = null, CancellationToken cancellationToken = default)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            var change = PrepareLocked(options, configDirectory);
            foreach (var e in change.Errors) _logger.LogError("{Error}", e);
            await CommitLocked(change);
        }
        finally { _applyLock.Release(); }
    }

    /// <summary>
    /// Builds every new runtime object the configuration needs (sinks of new or changed blocks, spools of new
    /// ones) without changing what runs. Check <see cref="NotifyChange.Errors"/>, then commit or discard;
    /// prepare and commit are called one configuration at a time.
    /// </summary>
    public async Task<NotifyChange> PrepareAsync(NotifyOptions options, string? configDirectory = null, CancellationToken cancellationToken = default)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try { return PrepareLocked(options, configDirectory); }
        finally { _applyLock.Release(); }
    }

    /// <summary>Switches to a prepared configuration (blocks that failed to prepare keep what they had). Throws when another apply came in between.</summary>
    public async Task CommitAsync(NotifyChange change, CancellationToken cancellationToken = default)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try { await CommitLocked(change); }
        finally { _applyLock.Release(); }
    }

    private NotifyChange PrepareLocked(NotifyOptions options, string? configDirectory)
    {
        var factories = _contributions.All<IEventSinkFactory>();
        var planned = new List<NotifyChange.Planned>();
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in options.Blocks)
        {
            if (!seen.Add(o.Name)) continue;
            var existing = _blocks.TryGetValue(o.Name, out var e) ? e.Block : null;
            var sameSpool = existing is not null && existing.Spool?.Folder == o.Spool?.Folder;
            if (existing is not null && sameSpool && existing.Configured.Options.Text == o.Text && factories.Contains(existing.Configured.Factory))
            {
                planned.Add(new(o, NotifyChange.Kind.Keep));
                continue;
            }
            if (existing is not null && sameSpool && existing.Configured.Options.Text == o.Text)
                _logger.LogInformation("notify {Block}: sink type {Type} was replaced, switching to a new sink", o.Name, existing.Configured.Factory.Name);
            var (setup, error) = NewSetup(o, factories, configDirectory);
            SpoolLog? spool = null;
            if (setup is not null && !sameSpool && o.Spool is { } settings)
            {
                try { spool = SpoolLog.Open(settings.Folder, settings.MaxBytes); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    error = $"notify {o.Name}: cannot open spool '{settings.Folder}': {ex.Message}";
                    _ = setup.Sink.DisposeAsync().AsTask();
                    setup = null;
                }
            }
            if (setup is null)
            {
                errors.Add(error!);
                planned.Add(new(o, NotifyChange.Kind.Failed));
                continue;
            }
            var kind = existing is null ? NotifyChange.Kind.Create : sameSpool ? NotifyChange.Kind.Reconfigure : NotifyChange.Kind.Replace;
            planned.Add(new(o, kind, setup, spool));
        }
        return new NotifyChange(_generation, planned, errors, _logger);
    }

    private async Task CommitLocked(NotifyChange change)
    {
        if (!change.Take()) throw new InvalidOperationException("a notify change is committed once");
        if (change.Generation != _generation)
        {
            await change.DisposeBuiltAsync();
            throw new InvalidOperationException("the notify configuration changed since this change was prepared");
        }
        _generation++;
        var next = new Dictionary<string, (NotifyBlock Block, Route Route)>(StringComparer.Ordinal);
        var stopping = new List<NotifyBlock>();
        foreach (var p in change.Blocks)
        {
            var had = _blocks.TryGetValue(p.Options.Name, out var current);
            switch (p.What)
            {
                case NotifyChange.Kind.Keep:
                    current.Block.Reenable();
                    next[p.Options.Name] = current;
                    break;
                case NotifyChange.Kind.Failed:
                    if (had) next[p.Options.Name] = current; // keep what works
                    break;
                case NotifyChange.Kind.Reconfigure:
                    var textChanged = current.Block.Configured.Options.Text != p.Options.Text;
                    current.Block.Reconfigure(p.Setup!);
                    if (current.Block.Spool is { } spool && p.Options.Spool is { } size) spool.MaxBytes = size.MaxBytes;
                    current.Block.Reenable();
                    next[p.Options.Name] = textChanged ? (current.Block, new Route(CompiledFilter.Compile(p.Options), current.Block)) : current;
                    break;
                default: // Create, Replace
                    if (had) stopping.Add(current.Block);
                    var block = new NotifyBlock(p.Setup!, _settings, _logger, p.Spool, this);
                    block.Start();
                    next[p.Options.Name] = (block, new Route(CompiledFilter.Compile(p.Options), block));
                    break;
            }
        }
        stopping.AddRange(_blocks.Where(b => !next.ContainsKey(b.Key)).Select(b => b.Value.Block));
        _table = new RouteTable(change.Blocks.Where(p => next.ContainsKey(p.Options.Name)).Select(p => next[p.Options.Name].Route).Distinct().ToArray());
        _blocks.Clear();
        foreach (var (name, e) in next) _blocks[name] = e;
        ReleaseEarly();
        await Task.WhenAll(stopping.Select(b => b.StopAsync(_settings.DrainTimeout)));
    }

    private (BlockSetup? Setup, string? Error) NewSetup(NotifyBlockOptions o, IReadOnlyList<IEventSinkFactory> factories, string? configDirectory)
    {
        var factory = SinkFactories.Claiming(factories, o.Sink);
        if (factory is null) return (null, $"notify {o.Name}: no sink type handles '{o.Sink}' (sink types: {SinkFactories.Describe(factories)})");
        try
        {
            var problems = new DiagnosticList();
            var context = o.SinkContext(configDirectory ?? _settings.ConfigDirectory, _server,
                _loggerFactory.CreateLogger("Sluice.Notify." + o.Name), _services, problems, _settings.Time);
            var sink = factory.Create(context);
            if (problems.HasErrors)
            {
                _ = sink.DisposeAsync().AsTask();
                return (null, $"notify {o.Name}: creating sink '{SecretText.Redact(o.Sink)}' failed: {string.Join("; ", problems.Errors.Select(e => e.Message))}");
            }
            return (new BlockSetup(o, sink, factory, factory.DeliveryTimeout(context), () => factory.Create(context)), null);
        }
        catch (Exception e)
        {
            return (null, $"notify {o.Name}: creating sink '{SecretText.Redact(o.Sink)}' failed: {SecretText.Redact(e.Message)}");
        }
    }
}
