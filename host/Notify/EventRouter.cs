using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Host.Events;
using Sluice.Host.Plugins;

namespace Sluice.Host.Notify;

/// <summary>
/// The host's <see cref="IEventEmitter"/>: runs every notify block's filter in the emitter's thread
/// on the draft (nothing is allocated when no block wants the event), builds the event once on a
/// hit and writes it to each block that wants it, under one emit lock: a handful of plain stores per
/// block (see <see cref="BlockQueue"/>), one fence, and the same order of events in every block.
/// Applies configurations as a diff by block name, in two steps: <see cref="PrepareAsync"/> builds what is
/// new (sinks, spools) without touching what runs, <see cref="CommitAsync"/> switches to it.
/// </summary>
internal sealed partial class EventRouter : IEventEmitter, IConfigurationListener, IAsyncDisposable
{
    private readonly NotifyRouterSettings _settings;
    private readonly IPluginContributions _contributions;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly Lock _emitLock = new();
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private readonly Dictionary<string, (NotifyBlock Block, Route Route)> _blocks = new(StringComparer.Ordinal);
    private volatile RouteTable _table = RouteTable.Empty;
    // Until the first configuration is committed, events are held (bounded) and routed then: what plugins and
    // stream features emit while every stage prepares (a DVR archive indexed at start) must reach the blocks.
    private const int EarlyLimit = 10_000;
    private readonly Lock _earlyGate = new();
    private List<SluiceEvent>? _early = [];
    private volatile string _server;
    private long _generation;

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

    /// <summary>The router's clock: event times, delivery deadlines, retry waits.</summary>
    public TimeProvider Time => _settings.Time;

    /// <summary>How long an injection waits for spooled blocks to make its events durable.</summary>
    public TimeSpan DurableTimeout => _settings.DurableTimeout;

    internal sealed record Route(CompiledFilter Filter, NotifyBlock Block);

    public void Emit(in EventDraft draft)
    {
        if (_early is not null && HoldEarly(draft)) return;
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
        if (_early is not null && HoldEarly(evt)) return;
        RouteEvent(evt, null);
    }

    private bool HoldEarly(in EventDraft draft)
    {
        var definition = _table.For(draft.Name).Definition ?? EventCatalog.Find(draft.Name);
        return HoldEarly(Build(draft, definition, _server));
    }

    private bool HoldEarly(SluiceEvent evt)
    {
        lock (_earlyGate)
        {
            if (_early is null) return false;   // committed meanwhile: route it now
            if (_early.Count < EarlyLimit) _early.Add(evt);
            return true;
        }
    }

    /// <summary>The first commit: routes what was emitted before it, in order.</summary>
    private void ReleaseEarly()
    {
        lock (_earlyGate)
        {
            if (_early is not { } early) return;
            _early = null;
            foreach (var evt in early) RouteEvent(evt, null);
        }
    }

    private void RouteDraft(in EventDraft draft, EventDefinition? definition, Route[] routes)
    {
        var server = _server;
        var view = new EventView(draft, server, definition);
        SluiceEvent? evt = null;
        Span<int> hits = routes.Length <= 64 ? stackalloc int[routes.Length] : new int[routes.Length];
        var n = 0;
        for (var i = 0; i < routes.Length; i++)
        {
            var r = routes[i];
            if (r.Filter.NeedsBuiltEvent)
            {
                evt ??= Build(draft, definition, server);
                if (!r.Filter.Passes(evt)) continue;
            }
            else if (!r.Filter.Passes(view)) continue;
            hits[n++] = i;
        }
        if (n > 0)
        {
            evt ??= Build(draft, definition, server);
            Publish(evt, routes, hits[..n], null);
        }
        if (_taps.Length > 0) OfferToTaps(draft, definition, server, view, ref evt);
    }

    /// <summary>Filters an existing event and publishes it; <paramref name="tracked"/> collects spooled blocks' positions.</summary>
    private void RouteEvent(SluiceEvent evt, DurableEmit? tracked)
    {
        var routes = _table.For(evt.Name).Routes;
        var view = new EventView(evt);
        Span<int> hits = routes.Length <= 64 ? stackalloc int[routes.Length] : new int[routes.Length];
        var n = 0;
        for (var i = 0; i < routes.Length; i++)
        {
            if (routes[i].Filter.Passes(view)) hits[n++] = i;
        }
        if (n > 0) Publish(evt, routes, hits[..n], tracked);
        OfferToTaps(evt, view);
    }

    private void Publish(SluiceEvent evt, Route[] routes, ReadOnlySpan<int> hits, DurableEmit? tracked)
    {
        using (_emitLock.EnterScope())
        {
            foreach (var i in hits)
            {
                var block = routes[i].Block;
                var position = block.Accept(evt);
                if (tracked is not null && block.IsSpooled) tracked.Note(block, position);
            }
        }
        // The queue stores must be visible before the parked flags are read (a loop sets its flag, then looks
        // at its queue): one full fence for all blocks, then only parked loops are woken.
        Interlocked.MemoryBarrier();
        foreach (var i in hits) routes[i].Block.WakeIfParked();
    }

    private SluiceEvent Build(in EventDraft draft, EventDefinition? definition, string server) =>
        new(draft.Name, EventIds.Next(), _settings.Time.GetUtcNow().ToUnixTimeMilliseconds(), server,
            draft.Level ?? definition?.Level ?? EventLevel.Info, draft.Media, draft.Group ?? definition?.Group,
            draft.Fields.IsEmpty ? null : draft.Fields.ToArray());

    /// <summary>
    /// Routes injected events and waits until every spooled block that accepted one has it on disk
    /// (<c>POST /api/v1/events</c> answers 202 only then). Null when they are durable (or no spooled block
    /// wanted them); otherwise why not: a spooled block's queue was full, or the spool could not write in time.
    /// </summary>
    public async Task<string?> EmitDurablyAsync(IReadOnlyList<SluiceEvent> events, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tracked = new DurableEmit();
        foreach (var e in events) RouteEvent(e, tracked);
        if (tracked.Refused is { } refused) return $"notify {refused}: the spool's queue is full (the disk does not keep up)";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        foreach (var (block, position) in tracked.Positions)
        {
            try { await block.WhenDurableAsync(position, cts.Token); }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return $"notify {block.Name}: the events were not written to the spool within {timeout.TotalSeconds:0.###} s";
            }
            catch (IOException e) { return e.Message; }
        }
        return null;
    }

    /// <summary>Per spooled block, the queue position of the last event an injection put there.</summary>
    private sealed class DurableEmit
    {
        public readonly Dictionary<NotifyBlock, long> Positions = [];
        public string? Refused;

        public void Note(NotifyBlock block, long position)
        {
            if (position == 0) Refused ??= block.Name;
            else Positions[block] = position;
        }
    }

    /// <summary>True when no block has anything queued, held for resend, spooled or in delivery.</summary>
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
