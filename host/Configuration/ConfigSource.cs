
namespace Sluice.Host.Configuration;

/// <summary>Where the configuration comes from: a file given with -c, or the embedded default.</summary>
internal sealed record ConfigSource(string? FilePath)
{
    public bool IsDefault => FilePath is null;

    /// <summary>The name used in diagnostics: the path as given, or &lt;default&gt;.</summary>
    public string DisplayName => FilePath ?? ConfigLoader.DefaultFileName;

    /// <summary>Relative paths in the configuration are relative to this folder.</summary>
    public string Directory => FilePath is null
        ? AppContext.BaseDirectory
        : Path.GetDirectoryName(Path.GetFullPath(FilePath))!;

    /// <summary>The text as it is now (read again at every reload).</summary>
    public string ReadText() => FilePath is null ? ConfigLoader.DefaultText : File.ReadAllText(FilePath);
}
