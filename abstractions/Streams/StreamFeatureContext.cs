using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;

namespace Sluice.Abstractions.Streams;

/// <summary>Which kind of block a stream directive was written in.</summary>
public enum StreamBlockKind
{
    /// <summary><c>stream NAME { }</c>: started with the server, kept alive.</summary>
    Stream,
    /// <summary><c>ondemand NAME { }</c>: started by its first viewer.</summary>
    OnDemand,
    /// <summary><c>live PREFIX { }</c>: every stream published under the prefix.</summary>
    Live,
}

/// <summary>
/// One stream directive of one block: <see cref="Directive"/> as written (its arguments located),
/// <see cref="FactoryContext.Spec"/> its arguments' text, <see cref="FactoryContext.Options"/> its block.
/// </summary>
public sealed class StreamFeatureContext : FactoryContext
{
    /// <summary>The stream's name, or the prefix of a <c>live</c> block.</summary>
    public required string StreamName { get; init; }

    public required StreamBlockKind Block { get; init; }

    /// <summary>The directive itself, e.g. <c>dvr /storage 2d 500G</c>.</summary>
    public required ConfigDirective Directive { get; init; }
}
