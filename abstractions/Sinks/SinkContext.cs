using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;

namespace Sluice.Abstractions.Sinks;

/// <summary>Everything a sink type learns about the notify block it serves.</summary>
public sealed class SinkContext
{
    /// <summary>The block's name (<c>notify NAME</c>).</summary>
    public required string BlockName { get; init; }

    /// <summary>The sink spec as written: <c>http://host/x</c>, <c>log://a.log</c>, <c>/etc/x.lua</c>.</summary>
    public required string Spec { get; init; }

    /// <summary>Where the spec was written.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>
    /// The block's options that the router does not know (<c>to</c>, <c>from</c>, <c>via</c>, <c>timeout</c>...),
    /// in file order: the sink's arguments (a Lua script's <c>args</c>, an HTTP sink's query parameters).
    /// </summary>
    public IReadOnlyList<ConfigDirective> Options { get; init; } = [];

    /// <summary><c>sign_key</c> of the block, if any.</summary>
    public string? SignKey { get; init; }

    /// <summary>Folder of the configuration file: relative paths are relative to it.</summary>
    public string ConfigDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>The server's name (<c>hostname</c>).</summary>
    public string ServerName { get; init; } = Environment.MachineName;

    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IServiceProvider Services { get; init; } = EmptyServices.Instance;

    /// <summary>The first value of option <paramref name="name"/>, or null.</summary>
    public string? Option(string name) =>
        Options.FirstOrDefault(o => o.Name == name) is { } d ? string.Join(" ", d.Arguments.Select(a => a.Value)) : null;

    /// <summary>Options as name/value pairs (a repeated option keeps its last value), for query strings and script args.</summary>
    public IReadOnlyDictionary<string, string> Arguments =>
        Options.GroupBy(o => o.Name).ToDictionary(g => g.Key, g => string.Join(" ", g.Last().Arguments.Select(a => a.Value)));

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
