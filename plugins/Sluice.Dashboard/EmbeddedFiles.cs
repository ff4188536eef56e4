using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Sluice.Dashboard;

/// <summary>The dashboard's static files, read once from the assembly's resources (a few hundred KiB), with their ETags.</summary>
internal sealed class EmbeddedFiles
{
    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, EmbeddedFile> _files;

    public EmbeddedFiles(Assembly assembly, string prefix)
    {
        var files = new Dictionary<string, EmbeddedFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var path = name[prefix.Length..].Replace('\\', '/');
            files[path] = new EmbeddedFile(bytes, Types.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream"),
                "\"" + Convert.ToHexString(SHA256.HashData(bytes), 0, 8) + "\"");
        }
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public EmbeddedFile? Find(string path) => _files.GetValueOrDefault(path);
}

internal sealed record EmbeddedFile(byte[] Content, string ContentType, string ETag);
