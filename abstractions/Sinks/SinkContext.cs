using Sluice.Abstractions.Plugins;

namespace Sluice.Abstractions.Sinks;

/// <summary>
/// Everything a sink type learns about the notify block it serves. <see cref="FactoryContext.Spec"/> is
/// the sink spec as written (<c>http://host/x</c>, <c>log://a.log</c>, <c>/etc/x.lua</c>);
/// <see cref="FactoryContext.Options"/> holds the block's options that the router does not know
/// (<c>to</c>, <c>from</c>, <c>timeout</c>...): the sink's arguments (a script's <c>args</c>, an HTTP
/// sink's query parameters).
/// </summary>
public sealed class SinkContext : FactoryContext
{
    /// <summary>The block's name (<c>notify NAME</c>).</summary>
    public required string BlockName { get; init; }

    /// <summary>The block's <c>sign_key</c> lines, in file order (empty when none).</summary>
    public IReadOnlyList<string> SignKeys { get; init; } = [];

    /// <summary>The first <c>sign_key</c>, or null.</summary>
    public string? SignKey => SignKeys.Count > 0 ? SignKeys[0] : null;

    /// <summary>The server's name (<c>hostname</c>).</summary>
    public string ServerName { get; init; } = Environment.MachineName;
}
