using System.Text.Json;
using Sluice.Abstractions;
using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>Reads and checks a plugin folder's <c>plugin.json</c>; every problem is a sentence, never a crash.</summary>
internal static class PluginManifestReader
{
    private static readonly JsonSerializerOptions Json = new() { AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip };

    public static bool TryRead(string folder, out PluginManifest? manifest, out string? error)
    {
        manifest = null;
        var path = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(path))
        {
            error = $"no {PluginManifest.FileName} in {folder}";
            return false;
        }
        try
        {
            manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllBytes(path), Json);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            error = $"{path}: invalid manifest: {e.Message}";
            return false;
        }
        error = manifest is null ? $"{path}: the manifest is empty" : Check(manifest, folder, path);
        return error is null;
    }

    private static string? Check(PluginManifest m, string folder, string path)
    {
        if (string.IsNullOrWhiteSpace(m.Name)) return $"{path}: \"name\" is empty";
        if (string.IsNullOrWhiteSpace(m.EntryAssembly) || Path.GetFileName(m.EntryAssembly) != m.EntryAssembly)
            return $"{path}: \"entryAssembly\" must be a file name in the plugin's folder, not \"{m.EntryAssembly}\"";
        if (!File.Exists(Path.Combine(folder, m.EntryAssembly)))
            return $"{path}: entry assembly {m.EntryAssembly} not found in {folder}";
        return CheckAbstractionsVersion(m.AbstractionsVersion, AbstractionsInfo.Version);
    }

    /// <summary>A plugin built on another major version of the contracts is refused.</summary>
    public static string? CheckAbstractionsVersion(string? declared, Version provided)
    {
        var text = declared?.Split('-', '+')[0];
        if (!Version.TryParse(text, out var wanted))
            return $"\"abstractionsVersion\" \"{declared}\" is not a version";
        if (wanted.Major != provided.Major)
            return $"built against Sluice.Abstractions {declared}; this host provides {provided.Major}.x";
        // Same major but newer: the plugin may call members this host does not have.
        return wanted > provided
            ? $"built against Sluice.Abstractions {declared}; this host provides {provided.ToString(3)}, which is older"
            : null;
    }
}
