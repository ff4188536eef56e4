using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sluice.PluginTemplate.Plugin.Tests;

/// <summary>Keeps every message logged to it, as the host's log would show them.</summary>
internal sealed class CapturingLogger : ILogger, ILoggerFactory
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _messages.Enqueue(formatter(state, exception));

    public bool IsEnabled(LogLevel logLevel) => true;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    /// <summary>Waits (bounded) until <paramref name="count"/> messages equal <paramref name="text"/>.</summary>
    public async Task<bool> WaitForAsync(string text, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.Count(m => m == text) >= count) return true;
            await Task.Delay(20);
        }
        return false;
    }
}
