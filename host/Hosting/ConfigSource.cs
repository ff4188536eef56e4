using System.Reflection;

namespace Sluice.Host.Hosting;

/// <summary>Where the configuration comes from: a file given with -c, or the embedded default.</summary>
internal sealed record ConfigSource(string? FilePath)
{
    public const string DefaultName = "<default>";

    public bool IsDefault => FilePath is null;

    /// <summary>The name used in diagnostics: the path as given, or &lt;default&gt;.</summary>
    public string DisplayName => FilePath ?? DefaultName;

    /// <summary>Relative paths in the configuration are relative to this folder.</summary>
    public string Directory => FilePath is null
        ? System.IO.Directory.GetCurrentDirectory()
        : Path.GetDirectoryName(Path.GetFullPath(FilePath))!;

    public string ReadText()
    {
        if (FilePath is not null) return File.ReadAllText(FilePath);
        return EmbeddedDefault;
    }

    /// <summary>The default configuration shipped inside the executable (host/default.conf).</summary>
    public static string EmbeddedDefault { get; } = ReadEmbedded();

    private static string ReadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Sluice.Host.default.conf")
            ?? throw new InvalidOperationException("embedded default configuration missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
