using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;
using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// Reads a configuration file (or text) into the untyped tree, expanding <c>include PATH_OR_GLOB;</c>
/// at any level: the path is relative to the including file's folder, a glob
/// (<c>conf.d/*.conf</c>, <c>sites/*/streams.conf</c>, <c>conf.d/**/*.conf</c>) expands to the matching files sorted by path and may match nothing, a missing
/// plain path, a cycle or nesting deeper than <see cref="MaxIncludeDepth"/> are errors. Included
/// directives keep the locations of the file they were written in.
/// </summary>
internal sealed class ConfigDocumentReader(IConfigDiagnostics diagnostics) : IIncludeExpander
{
    public const int MaxIncludeDepth = 16;
    public const int MaxFileChars = 16 * 1024 * 1024;

    /// <summary>A file being parsed: its full path (null for text) and the folder paths are relative to.</summary>
    private sealed record Frame(string? FullPath, string Display, string FullDirectory, string DisplayDirectory);

    private readonly List<Frame> _stack = [];
    private readonly List<string> _files = [];

    /// <summary>Every file (or text name) parsed, the main one first, as shown in locations.</summary>
    public IReadOnlyList<string> Files => _files;

    public IReadOnlyList<ConfigDirective> ReadFile(string path)
    {
        var full = Path.GetFullPath(path);
        var text = ReadText(full, path, new SourceLocation(path, 1, 1));
        if (text is null) return [];
        return ParseIn(new Frame(full, path, Path.GetDirectoryName(full) ?? "/", Path.GetDirectoryName(path) ?? ""), text, 0);
    }

    public IReadOnlyList<ConfigDirective> ReadString(string text, string fileName, string directory) =>
        ParseIn(new Frame(null, fileName, Path.GetFullPath(directory), directory), text, 0);

    private IReadOnlyList<ConfigDirective> ParseIn(Frame frame, string text, int depth)
    {
        _stack.Add(frame);
        _files.Add(frame.Display);
        try { return ConfigParser.Parse(text, frame.Display, diagnostics, this, depth); }
        finally { _stack.RemoveAt(_stack.Count - 1); }
    }

    public IReadOnlyList<ConfigDirective> Expand(ConfigDirective include, int depth)
    {
        if (include.HasBlock || include.Arguments.Count != 1 || include.Arguments[0].IsKeyValue)
        {
            diagnostics.Error(include.Location, "'include' expects 1 argument and no block: include PATH_OR_GLOB;");
            return [];
        }
        if (_stack.Count > MaxIncludeDepth)
        {
            diagnostics.Error(include.Location, $"includes nested deeper than {MaxIncludeDepth} files");
            return [];
        }
        var arg = include.Arguments[0];
        var frame = _stack[^1];
        var pattern = arg.Value;
        if (pattern.Length == 0 || pattern.IndexOf('\0') >= 0)
        {
            diagnostics.Error(arg.Location, "'include' expects a file path or glob");
            return [];
        }
        var rooted = Path.IsPathRooted(pattern);
        var fullPattern = Path.GetFullPath(Path.Combine(frame.FullDirectory, pattern));
        var displayPattern = rooted ? pattern : Path.Combine(frame.DisplayDirectory, pattern);
        var files = new List<(string Full, string Display)>();
        if (HasWildcard(pattern))
        {
            // The folder before the first wildcard is where matching starts; the rest is a glob (*, ?, **).
            var segments = pattern.Replace('\\', '/').Split('/');
            var first = Array.FindIndex(segments, HasWildcard);
            var prefix = string.Join('/', segments[..first]);
            var glob = string.Join('/', segments[first..]);
            if (segments[first..].Any(s => s is "." or ".."))
            {
                diagnostics.Error(arg.Location, $"'include {pattern}': '.' and '..' are allowed only before the first wildcard");
                return [];
            }
            var baseDir = Path.GetFullPath(Path.Combine(frame.FullDirectory, prefix));
            var displayBase = rooted ? prefix : Path.Combine(frame.DisplayDirectory, prefix);
            foreach (var match in Glob(baseDir, glob)) files.Add((Path.GetFullPath(Path.Combine(baseDir, match)), Path.Combine(displayBase, match)));
        }
        else if (File.Exists(fullPattern)) files.Add((fullPattern, displayPattern));
        else
        {
            diagnostics.Error(arg.Location, $"included file '{displayPattern}' not found");
            return [];
        }
        var result = new List<ConfigDirective>();
        foreach (var (full, display) in files)
        {
            var cycle = _stack.FindIndex(f => f.FullPath == full);
            if (cycle >= 0)
            {
                var chain = string.Join(" -> ", _stack.Skip(cycle).Select(f => f.Display).Append(display));
                diagnostics.Error(arg.Location, $"include cycle: {chain}");
                continue;
            }
            var text = ReadText(full, display, arg.Location);
            if (text is null) continue;
            result.AddRange(ParseIn(new Frame(full, display, Path.GetDirectoryName(full) ?? "/", Path.GetDirectoryName(display) ?? ""), text, depth));
        }
        return result;
    }

    private static bool HasWildcard(string s) => s.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>
    /// The files under <paramref name="baseDir"/> that <paramref name="glob"/> matches (Microsoft.Extensions.FileSystemGlobbing:
    /// <c>*</c> and <c>?</c> within a name, <c>**</c> across folders), relative to it, sorted by path; hidden files and
    /// folders (a name starting with '.', an editor's swap file) are left out.
    /// </summary>
    private static IEnumerable<string> Glob(string baseDir, string glob)
    {
        if (!Directory.Exists(baseDir)) return [];
        try
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(glob);
            return matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(baseDir))).Files
                .Select(f => f.Path)
                .Where(p => !p.Split('/').Any(segment => segment.StartsWith('.')))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }
    }

    /// <summary>The file's text, read with a size bound (a device such as /dev/zero never ends), or null after an error.</summary>
    private string? ReadText(string full, string display, SourceLocation reportAt)
    {
        try
        {
            using var reader = new StreamReader(full, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var sb = new StringBuilder();
            var buffer = new char[16384];
            int n;
            while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                sb.Append(buffer, 0, n);
                if (sb.Length > MaxFileChars)
                {
                    diagnostics.Error(reportAt, $"configuration file '{display}' is larger than {MaxFileChars / (1024 * 1024)} MB");
                    return null;
                }
            }
            return sb.ToString();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            diagnostics.Error(reportAt, e is FileNotFoundException or DirectoryNotFoundException
                ? $"configuration file '{display}' not found"
                : $"cannot read configuration file '{display}': {e.Message}");
            return null;
        }
    }
}
