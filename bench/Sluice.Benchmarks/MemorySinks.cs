using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;

namespace Sluice.Benchmarks;

/// <summary>Sink type <c>mem://NAME</c>: counts what it is given, as fast as a sink can be.</summary>
internal sealed class MemorySinkFactory : IEventSinkFactory
{
    public long Delivered;
    public string Name => "mem";
    public string SpecForms => "mem://NAME";
    public bool Claims(string spec) => spec.StartsWith("mem://", StringComparison.Ordinal);
    public IEventSink Create(SinkContext context) => new MemorySink(this);

    private sealed class MemorySink(MemorySinkFactory owner) : IEventSink
    {
        public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref owner.Delivered, batch.Count);
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
