using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.PluginTemplate.Sink;

/// <summary>
/// What a notify block says to this sink: <c>sink templatesink://PATH;</c> and its own options
/// (here <c>fsync true;</c>), read from <see cref="SinkContext.Options"/>.
/// </summary>
/// <param name="FilePath">Absolute path of the file events are appended to.</param>
/// <param name="Fsync">Force each batch to disk before reporting it delivered.</param>
internal sealed record TemplateSinkSinkOptions(string FilePath, bool Fsync)
{
    public const string Scheme = "templatesink://";

    /// <summary>Options of the block this sink understands, besides the spec.</summary>
    public static readonly IReadOnlyList<string> Known = ["fsync"];

    /// <summary>Reads the options, reporting every problem at its FILE:LINE:COL; null when there was one.</summary>
    public static TemplateSinkSinkOptions? Bind(SinkContext context)
    {
        var diagnostics = context.Diagnostics;
        var ok = true;
        var path = context.Spec.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? context.Spec[Scheme.Length..] : "";
        if (path.Length == 0 || path.IndexOf('\0') >= 0)
        {
            context.Error($"sink '{context.Spec}' needs a file path: {Scheme}PATH (relative to the configuration's folder)");
            ok = false;
        }

        var fsync = false;
        foreach (var option in context.Options)
        {
            if (option.Name == "fsync")
            {
                if (option.Bool(diagnostics) is { } value) fsync = value;
                else ok = false;
            }
            else
            {
                // A warning, not an error: a typo is worth telling, a stray option is not worth refusing the file.
                diagnostics.Warning(option.Location, $"'{option.Name}' is not an option of the {Scheme} sink (it knows: {string.Join(", ", Known)})");
            }
        }

        return ok ? new TemplateSinkSinkOptions(Path.GetFullPath(path, context.ConfigDirectory), fsync) : null;
    }
}
