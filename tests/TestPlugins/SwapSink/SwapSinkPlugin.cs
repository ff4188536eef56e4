using System.Collections.Concurrent;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.TestPlugins.SwapSink;

public sealed class SwapSinkPlugin : ISluicePlugin
{
#if VARIANT2
    internal const string Variant = "v2";
#else
    internal const string Variant = "v1";
#endif

    public void Configure(IPluginBuilder plugin) =>
        plugin.AddSinkType(new SwapSinkFactory()).AddService(new TickingService());
}

public sealed class SwapSinkFactory : IEventSinkFactory
{
    public string Name => "swap";
    public string SpecForms => $"swap:// ({SwapSinkPlugin.Variant})";
    public bool Claims(string spec) => spec.StartsWith("swap://", StringComparison.Ordinal);
    public void Validate(SinkContext context) { }
    public IEventSink Create(SinkContext context) =>
        new SwapSink((ConcurrentQueue<string>)context.Services.GetService(typeof(ConcurrentQueue<string>))!);
}

/// <summary>Records "VARIANT:ID" for every event it delivers.</summary>
internal sealed class SwapSink(ConcurrentQueue<string> delivered) : IEventSink
{
    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var evt in batch) delivered.Enqueue($"{SwapSinkPlugin.Variant}:{evt.Id}");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A timer that would pin the plugin in memory if the host forgot to stop it.</summary>
internal sealed class TickingService : IPluginService
{
    private Timer? _timer;
    private long _ticks;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new Timer(_ => Interlocked.Increment(ref _ticks), null, 0, 5);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null) await _timer.DisposeAsync();
        _timer = null;
    }
}
