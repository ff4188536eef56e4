using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sluice.Cluster.Tests.Support;

/// <summary>Keeps every line a strategy logs (level and formatted message).</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IReadOnlyList<string> At(LogLevel level) => Lines.Where(l => l.Level == level).Select(l => l.Message).ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));
}
