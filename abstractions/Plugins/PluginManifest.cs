using System.Text.Json.Serialization;

namespace Sluice.Abstractions.Plugins;

/// <summary>
/// <c>plugin.json</c> in a plugin's folder. Written by the build (the package's targets) from the
/// project's properties.
/// </summary>
public sealed record PluginManifest
{
    public const string FileName = "plugin.json";

    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("version")] public string Version { get; init; } = "0.0.0";
    [JsonPropertyName("description")] public string Description { get; init; } = "";

    /// <summary>The assembly file that holds the <see cref="ISluicePlugin"/>, e.g. <c>Acme.Pager.dll</c>.</summary>
    [JsonPropertyName("entryAssembly")] public required string EntryAssembly { get; init; }

    /// <summary>The version of Sluice.Abstractions the plugin was built against.</summary>
    [JsonPropertyName("abstractionsVersion")] public required string AbstractionsVersion { get; init; }
}
