using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Events;
using Sluice.Host.Plugins;

namespace Sluice.Host.Notify;

/// <summary>
/// The host's <see cref="IEventEmitter"/>: runs every notify block's filter in the emitter's thread
/// on the draft (nothing is allocated when no block wants the event), builds the event once on a
/// hit and queues it to each block that wants it. Applies configurations as a diff by block name.
/// </summary>
internal sealed partial class EventRouter : IEventEmitter, IConfigurationListener, IAsyncDisposable
{
    private readonly NotifyRouterSettings _settings;
    private readonly IPluginContributions _contributions;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private readonly Dictionary<string, (NotifyBlock Block, Route Route)> _blocks = new(StringComparer.Ordinal);
    private volatile RouteTable _table = RouteTable.Empty;
    private volatile string _server;

    public EventRouter(NotifyRouterSettings settings, IPluginContributions contributions,
        ILoggerFactory? loggerFactory = null, IServiceProvider? services = null)
    {
        _settings = settings;
        _contributions = contributions;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _services = services ?? EmptyServices.Instance;
        _logger = _loggerFactory.CreateLogger("Sluice.Notify");
        _server = settings.ServerName;
    }

    /// <summary>The <c>server</c> field of emitted events (the configured hostname).</summary>
    public string ServerName { get => _server; set => _server = value; }

    internal sealed record Route(CompiledFilter Filter, NotifyBlock Block);

    public void Emit(in EventDraft draft)
    {
        var table = _table;
        var entry = table.For(draft.Name);
        var tapped = _taps.Length > 0;
        if (entry.Routes.Length > 0 || tapped) RouteDraft(draft, entry.Definition, entry.Routes);
        if (entry.Definition?.Twin is { } twin && table.For(twin) is { } twinEntry && (twinEntry.Routes.Length > 0 || tapped))
        {
            // The older/newer name of the same event (source_ready/source_started ...), as an event of its own.
            RouteDraft(new EventDraft(twin) { Level = draft.Level, Media = draft.Media, Group = draft.Group, Fields = draft.Fields },
                twinEntry.Definition, twinEntry.Routes);
        }
    }

    public void Emit(SluiceEvent evt)
    {
        var view = new EventView(evt);
        foreach (var r in _table.For(evt.Name).Routes)
        {
            if (r.Filter.Passes(view)) r.Block.Enqueue(evt);
        }
        OfferToTaps(evt, view);
    }

    private void RouteDraft(in EventDraft draft, EventDefinition? definition, Route[] routes)
    {
        var server = _server;
        var view = new EventView(draft, server, definition);
        SluiceEvent? evt = null;
        foreach (var r in routes)
        {
            if (r.Filter.NeedsBuiltEvent)
            {
                evt ??= Build(draft, definition, server);
                if (!r.Filter.Passes(evt)) continue;
            }
            else if (!r.Filter.Passes(view)) continue;
            evt ??= Build(draft, definition, server);
            r.Block.Enqueue(evt);
        }
        if (_taps.Length > 0) OfferToTaps(draft, definition, server, view, ref evt);
    }

    private static SluiceEvent Build(in EventDraft draft, EventDefinition? definition, string server) =>
        new(draft.Name, EventIds.Next(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), server,
            draft.Level ?? definition?.Level ?? EventLevel.Info, draft.Media, draft.Group ?? definition?.Group,
            draft.Fields.IsEmpty ? null : draft.Fields.ToArray());

    public ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken) =>
        new(ApplyAsync(configuration.Get<NotifyOptions>() ?? NotifyOptions.Empty, configuration.Directory, cancellationToken));

    /// <summary>
    /// Applies notify blocks as a diff by name: an unchanged block keeps running (with a new sink if the
    /// plugin that made its sink is gone), a changed one switches to its new setup after the batch in
    /// flight and keeps its queue, a removed one drains within <see cref="NotifyRouterSettings.DrainTimeout"/>.
    /// A block whose sink cannot be created is left out (a new one) or keeps what it had (a changed one).
    /// </summary>
    public async Task ApplyAsync(NotifyOptions options, string? configDirectory = null, CancellationToken cancellationToken = default)
    {
        var change = await PrepareAsync(options, configDirectory, cancellationToken);
        await CommitAsync(change, CancellationToken.None);
    }

    /// <summary>
    /// The first half of an apply: creates the sink of every block that needs a new one (a new block, a changed
    /// one, one whose sink type was replaced), touching nothing that runs. The caller commits the result with
    /// <see cref="CommitAsync"/> or discards it (<see cref="NotifyChange.DiscardAsync"/>); prepare and commit
    /// are called one configuration at a time.
    /// </summary>
    public async Task<NotifyChange> PrepareAsync(NotifyOptions options, string? configDirectory = null, CancellationToken cancellationToken = default)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            var factories = _contributions.All<IEventSinkFactory>();
            var setups = new Dictionary<string, BlockSetup>(StringComparer.Ordinal);
            var errors = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var o in options.Blocks)
            {
                if (!seen.Add(o.Name)) continue;
                if (_blocks.TryGetValue(o.Name, out var existing) && !NeedsNewSink(existing.Block.Configured, o, factories)) continue;
                if (NewSetup(o, factories, configDirectory, out var error) is { } setup) setups[o.Name] = setup;
                else errors.Add($"notify {o.Name}: {error}");
            }
            return new NotifyChange(options, setups, errors);
        }
        finally { _applyLock.Release(); }
    }

    /// <summary>The second half: switches the blocks to what <paramref name="change"/> prepared (see <see cref="ApplyAsync(NotifyOptions, string?, CancellationToken)"/>).</summary>
    public async Task CommitAsync(NotifyChange change, CancellationToken cancellationToken = default)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            var options = change.Take();
            var next = new Dictionary<string, (NotifyBlock, Route)>(StringComparer.Ordinal);
            foreach (var o in options.Blocks)
            {
                if (next.ContainsKey(o.Name)) continue;
                var setup = change.Setups.GetValueOrDefault(o.Name);
                var entry = _blocks.TryGetValue(o.Name, out var existing) ? Update(existing, o, setup) : Create(o, setup);
                if (entry is { } e) next[o.Name] = e;
            }
            var removed = _blocks.Where(b => !next.ContainsKey(b.Key)).Select(b => b.Value.Block).ToArray();
            _table = new RouteTable(options.Blocks.Where(b => next.ContainsKey(b.Name)).Select(b => next[b.Name].Item2).Distinct().ToArray());
            _blocks.Clear();
            foreach (var (name, e) in next) _blocks[name] = e;
            await Task.WhenAll(removed.Select(b => b.StopAsync(_settings.DrainTimeout)));
        }
        finally { _applyLock.Release(); }
    }

    private bool NeedsNewSink(BlockSetup current, NotifyBlockOptions o, IReadOnlyList<IEventSinkFactory> factories)
    {
        if (current.Options.Text != o.Text) return true;
        if (factories.Contains(current.Factory)) return false;
        _logger.LogInformation("notify {Block}: sink type {Type} was replaced, switching to a new sink", o.Name, current.Factory.Name);
        return true;
    }

    private (NotifyBlock, Route)? Create(NotifyBlockOptions o, BlockSetup? setup)
    {
        if (setup is null) return null;
        var block = new NotifyBlock(setup, _settings, _logger);
        block.Start();
        return (block, new Route(CompiledFilter.Compile(o), block));
    }

    /// <summary>No new setup: the block is unchanged, or its new sink could not be created (it keeps what works).</summary>
    private static (NotifyBlock, Route)? Update((NotifyBlock Block, Route Route) existing, NotifyBlockOptions o, BlockSetup? setup)
    {
        if (setup is null) return existing;
        var (block, route) = existing;
        var sameText = block.Configured.Options.Text == o.Text;
        block.Reconfigure(setup);
        return (block, sameText ? route : new Route(CompiledFilter.Compile(o), block));
    }

    private BlockSetup? NewSetup(NotifyBlockOptions o, IReadOnlyList<IEventSinkFactory> factories, string? configDirectory, out string? error)
    {
        error = null;
        var factory = SinkFactories.Claiming(factories, o.Sink);
        if (factory is null)
        {
            error = $"no sink type handles '{SecretText.Redact(o.Sink)}' (sink types: {SinkFactories.Describe(factories)})";
            _logger.LogError("notify {Block}: {Error}", o.Name, error);
            return null;
        }
        try
        {
            var problems = new DiagnosticList();
            var context = o.SinkContext(configDirectory ?? _settings.ConfigDirectory, _server,
                _loggerFactory.CreateLogger("Sluice.Notify." + o.Name), _services, problems);
            var sink = factory.Create(context);
            if (problems.HasErrors)
            {
                _ = sink.DisposeAsync().AsTask();
                error = $"creating sink '{SecretText.Redact(o.Sink)}' failed: {string.Join("; ", problems.Errors.Select(e => e.Message))}";
                _logger.LogError("notify {Block}: {Error}", o.Name, error);
                return null;
            }
            return new BlockSetup(o, sink, factory, factory.DeliveryTimeout(context));
        }
        catch (Exception e)
        {
            error = $"creating sink '{SecretText.Redact(o.Sink)}' failed: {SecretText.Redact(e.Message)}";
            _logger.LogError(e, "notify {Block}: creating sink '{Sink}' failed", o.Name, SecretText.Redact(o.Sink));
            return null;
        }
    }

    /// <summary>True when no block has anything queued, held for resend or in delivery.</summary>
    public bool IsIdle => _table.Routes.All(r => r.Block.Idle);

    /// <summary>Every block's counters, in configuration order.</summary>
    public IReadOnlyList<NotifyBlockStats> Stats() => _table.Routes.Select(r => r.Block.Stats()).ToArray();

    /// <summary>Stops routing and drains every block within the drain timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        await _applyLock.WaitAsync();
        try
        {
            _table = RouteTable.Empty;
            await Task.WhenAll(_blocks.Values.Select(b => b.Block.StopAsync(_settings.DrainTimeout)));
            _blocks.Clear();
        }
        finally { _applyLock.Release(); }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}

/// <summary>
/// What <see cref="EventRouter.PrepareAsync"/> built: the new sinks by block name, and the blocks whose sink could
/// not be created. Committed once, or discarded (its sinks disposed).
/// </summary>
internal sealed class NotifyChange(NotifyOptions options, IReadOnlyDictionary<string, BlockSetup> setups, IReadOnlyList<string> errors)
{
    private int _taken;

    public IReadOnlyDictionary<string, BlockSetup> Setups { get; } = setups;

    /// <summary>One line per block whose sink could not be created.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;

    internal NotifyOptions Take() =>
        Interlocked.Exchange(ref _taken, 1) == 0 ? options : throw new InvalidOperationException("a notify change is committed once");

    /// <summary>Disposes the sinks built for a change that is not committed.</summary>
    public async ValueTask DiscardAsync()
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0) return;
        foreach (var setup in Setups.Values)
        {
            try { await setup.Sink.DisposeAsync(); }
            catch (Exception e) when (e is not OutOfMemoryException) { }
        }
    }
}
