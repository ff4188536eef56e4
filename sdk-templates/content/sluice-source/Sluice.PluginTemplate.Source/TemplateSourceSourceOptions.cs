using Sluice.Abstractions.Streams;

namespace Sluice.PluginTemplate.Source;

/// <summary>What a stream's <c>input templatesource://PATH;</c> says to this source.</summary>
/// <param name="Input">The URL as written, for messages.</param>
/// <param name="FilePath">Absolute path of the MPEG-TS file to play.</param>
internal sealed record TemplateSourceSourceOptions(string Input, string FilePath)
{
    public const string Scheme = "templatesource";

    public const string Prefix = Scheme + "://";

    /// <summary>Reads the URL; reports a problem at the input's FILE:LINE:COL and returns null when it is unusable.</summary>
    public static TemplateSourceSourceOptions? Bind(SourceContext context)
    {
        // The text as written, not Uri.Host/AbsolutePath: templatesource://x.ts is a relative path, not a host named x.ts.
        var text = context.Spec;
        var path = text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? text[Prefix.Length..] : "";
        if (path.Length == 0 || path.IndexOf('\0') >= 0)
        {
            context.Error($"input '{text}' needs a file path: {Prefix}PATH (an MPEG-TS file, relative to the configuration's folder)");
            return null;
        }
        return new TemplateSourceSourceOptions(text, Path.GetFullPath(path, context.ConfigDirectory));
    }
}
