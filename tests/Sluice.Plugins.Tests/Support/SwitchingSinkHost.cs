using System.Runtime.CompilerServices;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;

namespace Sluice.Plugins.Tests.Support;

/// <summary>
/// Plays the host's part in a swap for one notify block: delivers through the sink built from the current
/// contributions, and on a plugin change builds the new sink, switches over between two deliveries
/// (the old sink is drained: it is never called again) and disposes the old one.
/// Holds the only reference to the sink, so nothing here keeps an old plugin alive.
/// </summary>
internal sealed class SwitchingSinkHost(IPluginContributions plugins, TestServices services, string spec)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private IEventSink? _sink;

    public int Switches { get; private set; }

    public async Task ApplyAsync(PluginSetChange change, CancellationToken cancellationToken)
    {
        var next = CreateSink();
        IEventSink? old;
        await _oneAtATime.WaitAsync(cancellationToken);   // waits for the delivery in flight
        try
        {
            old = _sink;
            _sink = next;
            Switches++;
        }
        finally
        {
            _oneAtATime.Release();
        }
        if (old is not null) await old.DisposeAsync();
    }

    public async Task DeliverAsync(SluiceEvent evt, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await (_sink ?? throw new InvalidOperationException("no sink")).DeliverAsync([evt], cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The sink type currently claiming the spec, described (to assert which version runs).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public string? CurrentSpecForms() => plugins.All<IEventSinkFactory>().FirstOrDefault(f => f.Claims(spec))?.SpecForms;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private IEventSink? CreateSink() =>
        plugins.All<IEventSinkFactory>().FirstOrDefault(f => f.Claims(spec))?.Create(services.SinkContext(spec));
}
