using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.JavaScript;

/// <summary>A JavaScript sink's script, Node.js binary, time limit and mail route.</summary>
internal sealed record JsSinkOptions(string ScriptPath, string NodePath, TimeSpan Timeout, ScriptMail Mail,
    IReadOnlyDictionary<string, string> Arguments)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private static readonly string[] OwnOptions = ["timeout", "node"];

    public static JsSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var path = SinkPaths.Resolve(context.ConfigDirectory, context.Spec);
        var ok = true;
        // Not there yet is not a configuration error: each delivery fails (and resend applies) until it is.
        if (!File.Exists(path)) diagnostics?.Warning(context.Location, $"JavaScript script '{path}' does not exist (yet); deliveries fail until it does");
        string? node;
        if (SinkOptions.Find(context, "node") is { } n)
        {
            node = SinkPaths.Resolve(context.ConfigDirectory, n.Arguments.Count > 0 ? n.Arguments[0].Value : "");
            if (!File.Exists(node)) { diagnostics?.Error(n.Location, $"'node' {node} does not exist"); ok = false; }
        }
        else
        {
            node = FindOnPath("node");
            if (node is null) { diagnostics?.Error(context.Location, "Node.js ('node') is not on PATH: install Node.js 20+ or set 'node /path/to/node;'"); ok = false; }
        }
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        var mail = ScriptMail.Bind(context, diagnostics);
        if (!ok || mail is null) return null;
        return new JsSinkOptions(path, node!, timeout, mail, SinkOptions.Arguments(context, OwnOptions));
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
