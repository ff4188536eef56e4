using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;

namespace Sluice.Benchmarks;

/// <summary>Sink type <c>mem://NAME</c>: counts what it is given, as fast as a sink can be.</summary>
internal sealed class MemorySinkFactory : IEventSinkFactory
{
    public long Delivered;
    private long _target = long.MaxValue;
    private readonly ManualResetEventSlim _reached = new(false, spinCount: 0);

    /// <summary>
    /// Blocks (without spinning, so the waiting thread adds no CPU time to what is measured) until the
    /// sinks were given <paramref name="target"/> events in all; call <see cref="Expect"/> first.
    /// </summary>
    public void WaitFor(long target)
    {
        while (!_reached.Wait(TimeSpan.FromSeconds(30)))
        {
            if (Interlocked.Read(ref Delivered) >= target) return;
        }
    }

    /// <summary>The total <see cref="WaitFor"/> will wait for; set before emitting.</summary>
    public void Expect(long target)
    {
        _reached.Reset();
        Interlocked.Exchange(ref _target, target);
        if (Interlocked.Read(ref Delivered) >= target) _reached.Set();
    }

    private void Add(int count)
    {
        if (Interlocked.Add(ref Delivered, count) >= Interlocked.Read(ref _target)) _reached.Set();
    }
    public string Name => "mem";
    public string SpecForms => "mem://NAME";
    public bool Claims(string spec) => spec.StartsWith("mem://", StringComparison.Ordinal);
    public void Validate(SinkContext context) { }
    public IEventSink Create(SinkContext context) => new MemorySink(this);

    private sealed class MemorySink(MemorySinkFactory owner) : IEventSink
    {
        public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
        {
            owner.Add(batch.Count);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

internal sealed class BenchContributions(params IEventSinkFactory[] factories) : IPluginContributions, IServiceProvider
{
    public IReadOnlyList<T> All<T>() where T : class =>
        typeof(T) == typeof(IEventSinkFactory) ? (IReadOnlyList<T>)(object)factories : [];

    public object? GetService(Type serviceType) => serviceType == typeof(IPluginContributions) ? this : null;
}
