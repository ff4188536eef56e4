using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.JavaScript;

/// <summary>A JavaScript sink's script, limits and mail route.</summary>
internal sealed record JsSinkOptions(string ScriptPath, TimeSpan Timeout, long MemoryLimit, ScriptMail Mail,
    IReadOnlyDictionary<string, string> Arguments)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public const long DefaultMemoryLimit = 64L << 20;

    public const long MinimumMemoryLimit = 8L << 20;

    /// <summary>Options the sink consumes; the rest (to, from, via, ...) are the script's <c>args</c>.</summary>
    private static readonly string[] OwnOptions = ["timeout", "memory", "node"];

    public static JsSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var path = SinkPaths.Resolve(context.ConfigDirectory, context.Spec);
        var ok = true;
        // Not there yet is not a configuration error: each delivery fails (and resend applies) until it is.
        if (!File.Exists(path)) diagnostics?.Warning(context.Location, $"JavaScript script '{path}' does not exist (yet); deliveries fail until it does");
        if (SinkOptions.Find(context, "node") is { } node)
            diagnostics?.Warning(node.Location, "'node' is ignored: JavaScript sinks run in the host's own V8 engine, Node.js is not used");
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        var memory = DefaultMemoryLimit;
        if (SinkOptions.Find(context, "memory") is { } m)
        {
            var text = m.Arguments.Count > 0 ? m.Arguments[0].Value : "";
            if (ConfigValues.TryParseSize(text, out var bytes) && bytes >= MinimumMemoryLimit) memory = bytes;
            else
            {
                diagnostics?.Error(m.Location, $"'memory' expects a size of at least 8M (such as 64M), got '{text}'");
                ok = false;
            }
        }
        var mail = ScriptMail.Bind(context, diagnostics);
        if (!ok || mail is null) return null;
        return new JsSinkOptions(path, timeout, memory, mail, SinkOptions.Arguments(context, OwnOptions));
    }
}
