namespace Sluice.Abstractions.Configuration;

/// <summary>Whether a directive takes a <c>{ }</c> block.</summary>
public enum BlockUse { None, Optional, Required }

/// <summary>
/// The shape of a directive: how many arguments, whether it has a block and which directives the
/// block may hold. The core checks shape (with did-you-mean suggestions); the owner checks meaning.
/// </summary>
/// <param name="Name">The directive's name.</param>
/// <param name="Usage">How it is written, shown in errors, e.g. <c>http [ADDR:]PORT</c>.</param>
/// <param name="MinArgs">Fewest arguments.</param>
/// <param name="MaxArgs">Most arguments (<see cref="int.MaxValue"/> for any).</param>
/// <param name="Block">Whether a block is allowed or required.</param>
/// <param name="Children">Directives allowed inside the block; null means the owner checks the block itself
/// (e.g. a notify block hands unknown options to its sink).</param>
public sealed record DirectiveSpec(
    string Name,
    string Usage,
    int MinArgs = 0,
    int MaxArgs = int.MaxValue,
    BlockUse Block = BlockUse.None,
    IReadOnlyList<DirectiveSpec>? Children = null)
{
    /// <summary>May appear more than once at its level (several <c>http</c>, several <c>only</c>).</summary>
    public bool Repeatable { get; init; } = true;
}
