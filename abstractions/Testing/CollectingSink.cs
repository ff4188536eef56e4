using System.Collections.Concurrent;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;

namespace Sluice.Testing;

/// <summary>What a collecting sink does before it accepts a batch: wait, throw, or nothing.</summary>
public delegate Task SinkHook(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken);

/// <summary>
/// A sink that keeps every batch it accepted (copied: the router reuses its batch list), in order, and
/// counts calls and how many ran at once (the router promises one at a time). A <see cref="Hook"/> runs
/// before each batch is accepted: make it wait, or throw to fail the delivery.
/// </summary>
public sealed class CollectingSink(string spec = "", SinkHook? hook = null) : IEventSink
{
    private readonly List<SluiceEvent[]> _batches = [];
    private int _concurrent;
    private int _calls;
    private int _maxConcurrent;

    /// <summary>The sink spec it was created for.</summary>
    public string Spec { get; } = spec;

    public SinkHook? Hook { get; set; } = hook;

    /// <summary>Deliveries attempted, accepted or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The most deliveries that ran at the same time.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    public bool Disposed { get; private set; }

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _concurrent);
        int max;
        while (now > (max = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, max) != max) { }
        Interlocked.Increment(ref _calls);
        try
        {
            if (Hook is { } hook) await hook(batch, cancellationToken);
            lock (_batches) _batches.Add(batch.ToArray());
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }

    /// <summary>Every accepted batch, in order.</summary>
    public IReadOnlyList<SluiceEvent[]> Batches { get { lock (_batches) return _batches.ToArray(); } }

    /// <summary>Every accepted event, in delivery order.</summary>
    public IReadOnlyList<SluiceEvent> Events { get { lock (_batches) return _batches.SelectMany(b => b).ToArray(); } }

    /// <summary>Waits until at least <paramref name="count"/> events were accepted, or throws after <paramref name="timeout"/> (10 s by default).</summary>
    public async Task<IReadOnlyList<SluiceEvent>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var events = Events;
            if (events.Count >= count) return events;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{events.Count} of {count} events arrived");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Sink type <c>NAME://ANYTHING</c> (<c>collect://</c> by default): creates <see cref="CollectingSink"/>s the
/// test can reach by spec. Option <c>reject REASON;</c> in a block makes validation fail with that reason.
/// </summary>
public sealed class CollectingSinkFactory(string name = "collect") : IEventSinkFactory
{
    /// <summary>Hooks given to the sinks created for a spec.</summary>
    public ConcurrentDictionary<string, SinkHook> Hooks { get; } = new();

    /// <summary>Every sink created, in order.</summary>
    public ConcurrentQueue<CollectingSink> Created { get; } = new();

    /// <summary>Every spec validated, in order.</summary>
    public List<string> Validated { get; } = [];

    public string Name { get; } = name;

    public string SpecForms => $"{Name}://NAME";

    /// <summary>What <see cref="DeliveryTimeout"/> answers (the default when null).</summary>
    public TimeSpan? Timeout { get; set; }

    public bool Claims(string spec) => spec.StartsWith(Name + "://", StringComparison.Ordinal);

    public void Validate(SinkContext context)
    {
        lock (Validated) Validated.Add(context.Spec);
        if (context.OptionValue("reject") is { } why) context.Error($"{Name} sink rejects: {why}");
    }

    public IEventSink Create(SinkContext context)
    {
        var sink = new CollectingSink(context.Spec, Hooks.GetValueOrDefault(context.Spec));
        Created.Enqueue(sink);
        return sink;
    }

    public TimeSpan DeliveryTimeout(SinkContext context) => Timeout ?? SinkDefaults.DeliveryTimeout;

    /// <summary>The last sink created for <paramref name="spec"/>.</summary>
    public CollectingSink Sink(string spec) => Created.Last(s => s.Spec == spec);
}
