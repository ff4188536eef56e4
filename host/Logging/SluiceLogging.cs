using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Sluice.Host.Logging;

/// <summary>
/// The host's Serilog pipeline: console always, a file when <c>logfile</c> is set. The level follows
/// <c>loglevel</c> and changes on reload without rebuilding the logger.
/// </summary>
internal sealed class SluiceLogging : IDisposable
{
    private Logger? _fileLogger;
    private string? _filePath;

    public LoggingLevelSwitch Level { get; } = new(LogEventLevel.Information);

    public Logger Logger { get; }

    public SluiceLogging()
    {
        Logger = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(Level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose)
            .WriteTo.Logger(l => l.WriteTo.Sink(new ForwardingSink(() => _fileLogger)))
            .CreateLogger();
    }

    public void Apply(LogEventLevel level, string? logFile)
    {
        Level.MinimumLevel = level;
        if (logFile == _filePath) return;
        var previous = _fileLogger;
        _fileLogger = logFile is null ? null : new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.File(logFile, outputTemplate: "{Timestamp:O} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        _filePath = logFile;
        previous?.Dispose();
    }

    public void Dispose()
    {
        _fileLogger?.Dispose();
        Logger.Dispose();
    }

    /// <summary>Writes to whichever file logger is current (it changes when <c>logfile</c> does).</summary>
    private sealed class ForwardingSink(Func<Logger?> target) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => target()?.Write(logEvent);
    }
}
