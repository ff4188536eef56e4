using System.Diagnostics;

namespace Sluice.Sinks.JavaScript;

/// <summary>
/// Watches one run from a timer, every <see cref="V8ScriptHost.WatchInterval"/>: once the time limit
/// passed or the delivery was cancelled it interrupts the engine, again at every tick until the run
/// ended (an interrupt that lands between two script calls would otherwise be lost); before that, it
/// interrupts a run whose heap monitor tripped (<see cref="V8ScriptHost.InterruptIfOutOfMemory"/>).
/// </summary>
internal sealed class RunWatchdog : IAsyncDisposable
{
    private readonly V8ScriptHost _host;
    private readonly long _deadline;
    private readonly CancellationToken _cancellation;
    private readonly Timer _timer;

    public RunWatchdog(V8ScriptHost host, TimeSpan limit, CancellationToken cancellation)
    {
        _host = host;
        _deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        _cancellation = cancellation;
        _timer = new Timer(_ => Tick(), null, V8ScriptHost.WatchInterval, V8ScriptHost.WatchInterval);
    }

    private void Tick()
    {
        if (_cancellation.IsCancellationRequested || Stopwatch.GetTimestamp() >= _deadline) _host.Interrupt();
        else _host.InterruptIfOutOfMemory();
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();
}
