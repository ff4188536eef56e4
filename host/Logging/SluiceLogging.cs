using Serilog;
using Serilog.Core;
using Serilog.Events;
using Sluice.Host.Configuration;

namespace Sluice.Host.Logging;

/// <summary>
/// The host's Serilog pipeline: console always, a file when <c>logfile</c> is set, every line with the
/// configuration's secrets masked (<see cref="RedactingSink"/>). The level follows <c>loglevel</c> and
/// changes on reload without rebuilding the logger.
/// </summary>
internal sealed class SluiceLogging : IDisposable
{
    private readonly Logger _output;
    private Logger? _fileLogger;
    private string? _filePath;
    private volatile SecretScrubber _secrets = SecretScrubber.None;

    public LoggingLevelSwitch Level { get; } = new(LogEventLevel.Information);

    public Logger Logger { get; }

    /// <summary>The secrets masked in every line (those of every configuration applied so far).</summary>
    public SecretScrubber Secrets { get => _secrets; set => _secrets = value; }

    public SluiceLogging()
    {
        _output = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Console(
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose)
            .WriteTo.Sink(new ForwardingSink(() => _fileLogger))
            .CreateLogger();
        Logger = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(Level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new RedactingSink(_output, () => _secrets))
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
        Logger.Dispose();
        _output.Dispose();
        _fileLogger?.Dispose();
    }

    /// <summary>Writes to whichever file logger is current (it changes when <c>logfile</c> does).</summary>
    private sealed class ForwardingSink(Func<Logger?> target) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => target()?.Write(logEvent);
    }
}
