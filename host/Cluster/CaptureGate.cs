using Sluice.Abstractions.Cluster;
using Sluice.Host.Streams;

namespace Sluice.Host.Cluster;

/// <summary>
/// What the stream registry asks before it opens the input of a <c>cluster_ingest</c> stream, and what
/// tells it to look again: the strategy in force decides (<see cref="MayCapture"/>), the registry reacts to
/// <see cref="ChangedAsync"/> by starting what it may now capture and stopping what it may not. Without a
/// cluster every stream is captured here. Also the host's <see cref="IStreamLocator"/> (viewer redirects),
/// and the origins a stream unknown here is pulled from (<c>source HOST:PORT;</c>).
/// </summary>
internal sealed class CaptureGate : IStreamLocator, ICaptureGate
{
    private sealed record State(bool Clustered, IClusterStrategy? Strategy, string? Self, IReadOnlyDictionary<string, StreamPlacement> Placement);

    private static readonly State Standalone = new(false, null, null, new Dictionary<string, StreamPlacement>());

    private readonly SemaphoreSlim _serial = new(1, 1);
    private readonly object _refresh = new();
    private volatile State _state = Standalone;
    private volatile OriginPulls _origins = OriginPulls.None;

    /// <summary>Set by the registry: brings the running cluster streams in line with <see cref="MayCapture"/>.</summary>
    public Func<Task>? Reconcile { get; set; }

    public bool Clustered => _state.Clustered;

    public bool MayCapture(string stream)
    {
        var s = _state;
        if (!s.Clustered) return true;
        var strategy = s.Strategy;
        if (strategy is null) return false;
        try { return strategy.MayCapture(stream); }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    public ClusterNode? CapturedElsewhere(string stream)
    {
        var s = _state;
        if (!s.Clustered || s.Strategy is null || MayCapture(stream)) return null;
        return s.Placement.TryGetValue(stream, out var p) && p.Owner is { } owner && owner.Name != s.Self ? owner : null;
    }

    /// <summary>Where a stream unknown here would be pulled from (null: it is not).</summary>
    public StreamOptions? PullOptions(string name) => PeerRequest.Current ? null : _origins.For(name);

    public void SetOrigins(OriginPulls origins) => _origins = origins;

    /// <summary>
    /// The strategy in force (null with <paramref name="clustered"/>: captures nothing until one decides);
    /// returns when the registry has reacted, so that a caller may rely on what stopped.
    /// </summary>
    public Task UseAsync(bool clustered, IClusterStrategy? strategy, string? self)
    {
        lock (_refresh) _state = new State(clustered, strategy, self, PlacementOf(strategy));
        return ChangedAsync();
    }

    /// <summary>
    /// Takes the strategy's placement now, without waiting for the registry: redirects must name the server
    /// /api/v1/cluster names, also while a slow reconcile (a stream stopping) holds the registry.
    /// </summary>
    public void Refresh()
    {
        lock (_refresh)
        {
            var s = _state;
            _state = s with { Placement = PlacementOf(s.Strategy) };
        }
    }

    /// <summary>The strategy changed its mind: refresh the placement and let the registry react (one at a time).</summary>
    public async Task ChangedAsync()
    {
        Refresh();
        await _serial.WaitAsync();
        try
        {
            Refresh();
            if (Reconcile is { } reconcile) await reconcile();
        }
        finally
        {
            _serial.Release();
        }
    }

    private static IReadOnlyDictionary<string, StreamPlacement> PlacementOf(IClusterStrategy? strategy)
    {
        if (strategy is null) return Standalone.Placement;
        try { return strategy.Placement.ToDictionary(p => p.Stream, StringComparer.Ordinal); }
        catch (Exception e) when (e is not OutOfMemoryException) { return Standalone.Placement; }
    }
}
