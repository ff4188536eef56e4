using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// <c>file PREFIX { path DIR; }</c> lookups. A path is resolved lexically (no <c>..</c> out, nothing
/// absolute) and then physically (every symbolic link along it followed), and must stay inside DIR both ways.
/// </summary>
internal sealed class VodLibrary : IVodLibrary
{
    private volatile Dictionary<string, string> _roots = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Prefixes => _roots.Keys.ToArray();

    public void Set(IEnumerable<FileVodOptions> files) =>
        _roots = files.ToDictionary(f => f.Prefix, f => f.Directory, StringComparer.Ordinal);

    public string? Resolve(string prefix, string relativePath)
    {
        if (prefix is null || relativePath is null || !_roots.TryGetValue(prefix, out var root)) return null;
        if (relativePath.Length == 0 || relativePath.Contains('\0') || Path.IsPathRooted(relativePath)) return null;
        try
        {
            var full = Path.GetFullPath(Path.Combine(root, relativePath));
            if (!Inside(root, full)) return null;
            var realRoot = RealPath(root);
            var real = RealPath(full);
            if (realRoot is null || real is null || !Inside(realRoot, real)) return null;
            return File.Exists(real) ? real : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static bool Inside(string root, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link along it replaced by its final target; null on a link loop.</summary>
    internal static string? RealPath(string absolute)
    {
        var current = Path.GetPathRoot(absolute)!;
        var rest = absolute[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in rest)
        {
            var next = Path.Combine(current, segment);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null) return null;
                next = RealPath(Path.GetFullPath(target.FullName)); // the target's own parents may be links
                if (next is null) return null;
            }
            current = next;
        }
        return current;
    }
}
