using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Log;

internal enum LogFormat { Json, Text }

/// <summary>
/// <c>log://relative/path</c> is relative to the configuration's folder, <c>log:///abs/path</c> absolute.
/// </summary>
internal sealed record LogSinkOptions(string Path, LogFormat Format)
{
    public const string Scheme = "log://";

    public static LogSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var ok = true;
        var raw = context.Spec.Length > Scheme.Length ? context.Spec[Scheme.Length..] : "";
        if (raw.Length == 0 || raw.EndsWith('/'))
        {
            diagnostics?.Error(context.Location, $"'{context.Spec}' names no file (log://relative/path or log:///absolute/path)");
            ok = false;
        }
        var format = LogFormat.Json;
        if (SinkOptions.Find(context, "format") is { } f)
        {
            switch (f.Arguments.Count > 0 ? f.Arguments[0].Value : "")
            {
                case "json": format = LogFormat.Json; break;
                case "text": format = LogFormat.Text; break;
                default:
                    diagnostics?.Error(f.Location, $"'format' expects json or text, got '{string.Join(" ", f.Arguments.Select(a => a.Text))}'");
                    ok = false;
                    break;
            }
        }
        if (!ok) return null;
        var path = SinkPaths.Resolve(context.ConfigDirectory, Uri.UnescapeDataString(raw));
        if (Directory.Exists(path))
        {
            diagnostics?.Error(context.Location, $"'{path}' is a folder, not a file");
            return null;
        }
        return new LogSinkOptions(path, format);
    }
}
