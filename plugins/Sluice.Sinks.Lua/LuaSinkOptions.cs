using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Lua;

/// <summary>A Lua sink's script, limits and mail route.</summary>
internal sealed record LuaSinkOptions(string ScriptPath, TimeSpan Timeout, bool Unsafe, long MemoryLimit, ScriptMail Mail,
    IReadOnlyDictionary<string, string> Arguments)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public const long DefaultMemoryLimit = 64L << 20;

    /// <summary>Options the sink consumes; the rest (to, from, via, ...) are the script's <c>args</c>.</summary>
    private static readonly string[] OwnOptions = ["timeout", "unsafe", "memory"];

    public static LuaSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var path = SinkPaths.Resolve(context.ConfigDirectory, context.Spec);
        var ok = true;
        // Not there yet is not a configuration error: each delivery fails (and resend applies) until it is.
        if (!File.Exists(path)) diagnostics?.Warning(context.Location, $"Lua script '{path}' does not exist (yet); deliveries fail until it does");
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        var unsafeMode = SinkOptions.Flag(context, "unsafe", diagnostics);
        var memory = DefaultMemoryLimit;
        if (SinkOptions.Find(context, "memory") is { } m)
        {
            var text = m.Arguments.Count > 0 ? m.Arguments[0].Value : "";
            if (ConfigValues.TryParseSize(text, out var bytes) && bytes >= 1L << 20) memory = bytes;
            else
            {
                diagnostics?.Error(m.Location, $"'memory' expects a size of at least 1M (such as 64M), got '{text}'");
                ok = false;
            }
        }
        var mail = ScriptMail.Bind(context, diagnostics);
        if (!ok || mail is null) return null;
        return new LuaSinkOptions(path, timeout, unsafeMode, memory, mail, SinkOptions.Arguments(context, OwnOptions));
    }
}
