using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;

namespace Sluice.Abstractions.Plugins;

/// <summary>
/// What every factory a plugin contributes (sink types, source schemes, protocol listeners, stream
/// features) is told about the one thing it checks or builds: the spec as written and where, the
/// options that go with it as located directives, where to report problems, and the host's services.
/// Validation reports through <see cref="Diagnostics"/> and never throws; the host calls Create only
/// for a context whose validation reported no error, with diagnostics that turn an error reported
/// there into a failed creation.
/// </summary>
public abstract class FactoryContext
{
    /// <summary>The spec as written: a sink spec, an input URL, a listener address, a directive's arguments.</summary>
    public required string Spec { get; init; }

    /// <summary>Where <see cref="Spec"/> was written.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>
    /// The options that go with the spec, in file order, each with its own location: a notify block's
    /// sink options, an input line's <c>key=value</c> words (as one-argument directives), a listener's
    /// or a stream feature's block.
    /// </summary>
    public IReadOnlyList<ConfigDirective> Options { get; init; } = [];

    /// <summary>Where errors and warnings go, printed as <c>FILE:LINE:COL: message</c>.</summary>
    public IConfigDiagnostics Diagnostics { get; init; } = ConfigDiagnostics.Ignore;

    /// <summary>Folder of the main configuration file: relative paths are relative to it.</summary>
    public string ConfigDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Host services (the event emitter, the stream registry, sessions...).</summary>
    public IServiceProvider Services { get; init; } = EmptyServiceProvider.Instance;

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The host's clock: every wait and timestamp of what the factory builds goes through it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The last option named <paramref name="name"/> (a later line overrides an earlier one), or null.</summary>
    public ConfigDirective? Option(string name)
    {
        for (var i = Options.Count - 1; i >= 0; i--)
        {
            if (Options[i].Name == name) return Options[i];
        }
        return null;
    }

    /// <summary>The arguments of option <paramref name="name"/> joined by spaces, or null when it is absent.</summary>
    public string? OptionValue(string name) =>
        Option(name) is { } d ? string.Join(" ", d.Arguments.Select(a => a.Value)) : null;

    /// <summary>Options as name/value pairs (a repeated option keeps its last value): query strings, script <c>args</c>.</summary>
    public IReadOnlyDictionary<string, string> Arguments =>
        Options.GroupBy(o => o.Name).ToDictionary(g => g.Key, g => string.Join(" ", g.Last().Arguments.Select(a => a.Value)));

    /// <summary>Reports an error at the spec's location.</summary>
    public void Error(string message) => Diagnostics.Error(Location, message);

    /// <summary>Reports a warning at the spec's location.</summary>
    public void Warning(string message) => Diagnostics.Warning(Location, message);
}

/// <summary>A service provider that has nothing, for contexts built outside a host (tests, tools).</summary>
public sealed class EmptyServiceProvider : IServiceProvider
{
    public static readonly EmptyServiceProvider Instance = new();

    private EmptyServiceProvider() { }

    public object? GetService(Type serviceType) => null;
}
