using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Configuration.Tests;

/// <summary>Short ways to parse and load configuration text in tests.</summary>
internal static class TestConfig
{
    public const string File = "t.conf";

    public static (IReadOnlyList<ConfigDirective> Tree, IReadOnlyList<Diagnostic> Diagnostics) Parse(string text, string? directory = null)
    {
        var bag = new DiagnosticBag();
        var tree = new ConfigDocumentReader(bag).ReadString(text, File, directory ?? Path.GetTempPath());
        return (tree, bag.Items);
    }

    public static IReadOnlyList<ConfigDirective> ParseClean(string text)
    {
        var (tree, diagnostics) = Parse(text);
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        return tree;
    }

    public static ConfigLoadResult LoadCore(string text, params IConfigSection[] more) =>
        new ConfigLoader([new CoreConfigSection(), .. more]).LoadString(text, File, Path.GetTempPath());

    public static CoreOptions CoreOptionsOf(string text)
    {
        var result = LoadCore(text);
        Assert.True(result.Succeeded, result.Format());
        return result.Configuration!.Get<CoreOptions>()!;
    }

    /// <summary>The diagnostics as printed, one per line.</summary>
    public static string[] Lines(IEnumerable<Diagnostic> diagnostics) => diagnostics.Select(d => d.ToString()).ToArray();

    public static string[] Lines(ConfigLoadResult result) => Lines(result.Diagnostics);
}

/// <summary>A folder under the temp directory, deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sluice-config-").FullName;

    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
