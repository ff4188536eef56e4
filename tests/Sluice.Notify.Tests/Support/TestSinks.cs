using System.Collections.Concurrent;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;

namespace Sluice.Notify.Tests.Support;

/// <summary>What a test sink does before it accepts a batch: wait, throw, or nothing.</summary>
internal delegate Task SinkHook(IReadOnlyList<SluiceEvent> batch, CancellationToken ct);

/// <summary>A hand-written sink that keeps every batch it accepted (copied), in order.</summary>
internal sealed class CollectingSink(string spec, SinkHook? hook) : IEventSink
{
    private readonly List<SluiceEvent[]> _batches = [];
    private int _concurrent;

    public string Spec { get; } = spec;
    public SinkHook? Hook { get; set; } = hook;
    public int Calls;
    public int MaxConcurrent;
    public bool Disposed;

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _concurrent);
        if (now > MaxConcurrent) MaxConcurrent = now;
        Interlocked.Increment(ref Calls);
        try
        {
            if (Hook is { } hook) await hook(batch, cancellationToken);
            lock (_batches) _batches.Add(batch.ToArray());
        }
        finally { Interlocked.Decrement(ref _concurrent); }
    }

    public IReadOnlyList<SluiceEvent[]> Batches { get { lock (_batches) return _batches.ToArray(); } }

    public IReadOnlyList<SluiceEvent> Events { get { lock (_batches) return _batches.SelectMany(b => b).ToArray(); } }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Sink type <c>collect://NAME</c>: creates <see cref="CollectingSink"/>s the test can reach.</summary>
internal sealed class CollectingSinkFactory(string name = "collect") : IEventSinkFactory
{
    public ConcurrentDictionary<string, SinkHook> Hooks { get; } = new();
    public ConcurrentQueue<CollectingSink> Created { get; } = new();
    public List<string> Validated { get; } = [];

    public string Name { get; } = name;
    public string SpecForms => $"{Name}://NAME";

    public bool Claims(string spec) => spec.StartsWith(Name + "://", StringComparison.Ordinal);

    public void Validate(SinkContext context, IConfigDiagnostics diagnostics)
    {
        lock (Validated) Validated.Add(context.Spec);
        if (context.Option("reject") is { } why) diagnostics.Error(context.Location, $"{Name} sink rejects: {why}");
    }

    public IEventSink Create(SinkContext context)
    {
        var sink = new CollectingSink(context.Spec, Hooks.GetValueOrDefault(context.Spec));
        Created.Enqueue(sink);
        return sink;
    }

    /// <summary>The last sink created for <paramref name="spec"/>.</summary>
    public CollectingSink Sink(string spec) => Created.Last(s => s.Spec == spec);
}
