namespace Sluice.Sinks.Lua;

/// <summary>
/// What a path resolves to, like realpath(3): every symbolic link resolved, at every level (a
/// folder link in the middle, a file link at the end, links to links), and <c>..</c> applied to
/// what the link pointed at, as the kernel does. The sandbox checks this path, not the text the
/// script wrote, and opens this path, so what it checked is what it reads.
/// </summary>
internal static class RealPath
{
    /// <summary>Linux gives up after 40 links in one lookup (ELOOP); so does this.</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The resolved absolute path of <paramref name="path"/> (relative paths are taken from
    /// <paramref name="baseFolder"/>). From the first component that does not exist on, the rest is
    /// appended as text (nothing there can be a link). Null when links loop or a link cannot be read.
    /// </summary>
    public static string? Resolve(string path, string baseFolder)
    {
        var pending = new List<string>(Split(Path.IsPathRooted(path) ? path : Path.Combine(baseFolder, path)));
        var resolved = new List<string>();
        var links = 0;
        var exists = true;
        while (pending.Count > 0)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Join(resolved, part);
            string? target = null;
            if (exists)
            {
                try
                {
                    target = new FileInfo(candidate).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return null;
                }
            }
            if (target is null)
            {
                exists = exists && (File.Exists(candidate) || Directory.Exists(candidate));
                resolved.Add(part);
                continue;
            }
            if (++links > MaxLinks) return null;
            // A relative target is relative to the folder holding the link: what is resolved so far.
            if (Path.IsPathRooted(target)) resolved.Clear();
            pending.InsertRange(0, Split(target));
        }
        return Join(resolved, null);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> itself or lies below it (both resolved).</summary>
    public static bool IsInside(string path, string folder) =>
        path == folder || path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string[] Split(string path) => path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);

    private static string Join(List<string> parts, string? last)
    {
        var text = Path.DirectorySeparatorChar + string.Join(Path.DirectorySeparatorChar, parts);
        if (last is null) return text;
        return text.Length == 1 ? text + last : text + Path.DirectorySeparatorChar + last;
    }
}
