using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Shared;

namespace Sluice.Sinks.Lua;

/// <summary>A Lua sink's script, limits and mail route.</summary>
internal sealed record LuaSinkOptions(string ScriptPath, TimeSpan Timeout, bool Unsafe, ScriptMail Mail,
    IReadOnlyDictionary<string, string> Arguments)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Options the sink consumes; the rest (to, from, via, ...) are the script's <c>args</c>.</summary>
    private static readonly string[] OwnOptions = ["timeout", "unsafe"];

    public static LuaSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var path = SinkPaths.Resolve(context.ConfigDirectory, context.Spec);
        var ok = true;
        if (!File.Exists(path))
        {
            diagnostics?.Error(context.Location, $"Lua script '{path}' does not exist");
            ok = false;
        }
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        var unsafeMode = SinkOptions.Flag(context, "unsafe", diagnostics);
        var mail = ScriptMail.Bind(context, diagnostics);
        if (!ok || mail is null) return null;
        return new LuaSinkOptions(path, timeout, unsafeMode, mail, SinkOptions.Arguments(context, OwnOptions));
    }
}
