using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary><c>file PREFIX { path DIR; }</c>: resolves inside the folder and refuses escapes.</summary>
internal sealed class TestVodLibrary(string prefix, string folder) : IVodLibrary
{
    private readonly string _root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;

    public IReadOnlyList<string> Prefixes { get; } = [prefix];

    public int Resolves;

    public string? Resolve(string prefix, string relativePath)
    {
        Interlocked.Increment(ref Resolves);
        if (!Prefixes.Contains(prefix)) return null;
        var full = Path.GetFullPath(Path.Combine(_root, relativePath));
        return full.StartsWith(_root, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }
}
