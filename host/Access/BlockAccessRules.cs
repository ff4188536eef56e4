using System.Collections.Concurrent;

namespace Sluice.Host.Access;

/// <summary>
/// The access directives of every block in force, by block (<c>stream NAME</c>, <c>ondemand NAME</c>,
/// <c>live PREFIX</c>): written by the block features as a configuration is applied, read by the
/// authorizer per session.
/// </summary>
internal sealed class BlockAccessRules
{
    private readonly ConcurrentDictionary<string, BlockAccess> _blocks = new(StringComparer.Ordinal);

    public BlockAccess Of(string block) => _blocks.GetValueOrDefault(block) ?? BlockAccess.None;

    public void Update(string block, Func<BlockAccess, BlockAccess> change) =>
        _blocks.AddOrUpdate(block, _ => change(BlockAccess.None), (_, current) => change(current));

    /// <summary>Removes what one directive set (the block goes when nothing is left).</summary>
    public void Remove(string block, Func<BlockAccess, BlockAccess> undo)
    {
        while (_blocks.TryGetValue(block, out var current))
        {
            var next = undo(current);
            if (next.IsEmpty ? _blocks.TryRemove(new KeyValuePair<string, BlockAccess>(block, current)) : _blocks.TryUpdate(block, next, current)) return;
        }
    }
}
