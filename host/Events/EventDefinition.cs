using Sluice.Abstractions.Events;

namespace Sluice.Host.Events;

/// <summary>
/// One known event: its default level and group, what it means, where the name comes from
/// (<c>newer</c>/<c>older</c> spec lists, <c>sluice</c> for .NET additions) and, for an older name
/// the newer list renamed, the name it is an alias of.
/// </summary>
internal sealed record EventDefinition(
    string Name,
    EventLevel Level,
    string? Group,
    string Description,
    string Origin,
    string? AliasOf = null,
    string Fields = "")
{
    /// <summary>The other name emitted with this one (canonical for an alias, the alias for a canonical name).</summary>
    public string? Twin { get; init; }
}
