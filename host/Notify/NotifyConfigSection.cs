using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Configuration;
using Sluice.Host.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// Owns <c>notify NAME { ... }</c> and its newer spelling <c>event_sink NAME { url ...; level ...; }</c>
/// and binds them into <see cref="NotifyOptions"/>. A sink spec must be claimed by a loaded sink type.
/// </summary>
internal sealed class NotifyConfigSection : IConfigSection
{
    /// <summary>The router's own options; a block option one edit away from one of them is warned about.</summary>
    private static readonly string[] Known =
        ["sink", "url", "only", "except", "verbose", "level", "buffer", "sign_key",
         "resend_notifications_limit", "resend_notifications_timeout", "spool"];

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
    [
        new("notify", "notify NAME { sink SPEC; only key=value ...; except key=value ...; verbose LEVEL; ... }", 1, 1, BlockUse.Required),
        new("event_sink", "event_sink NAME { url SPEC; only key=value ...; level LEVEL; ... }", 1, 1, BlockUse.Required),
        new("spool", "spool PATH [SIZE]; (a durable spool for every notify block)", 1, 2) { Repeatable = false },
    ];

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
    {
        var diag = context.Diagnostics;
        var factories = SinkFactories.From(context.Services);
        var blocks = new List<NotifyBlockOptions>();
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var global = directives.LastOrDefault(d => d.Name == "spool") is { } top ? Spool(top, diag, context.ConfigDirectory) : null;
        foreach (var d in directives)
        {
            if (d.Name is not ("notify" or "event_sink")) continue;
            var block = BindBlock(d, context, factories, global);
            if (block is null) continue;
            if (seen.TryGetValue(block.Name, out var first))
            {
                diag.Error(d.Location, $"{d.Name} '{block.Name}' is already defined at {first}");
                continue;
            }
            seen[block.Name] = d.Location;
            blocks.Add(block);
        }
        return new NotifyOptions(blocks);
    }

    private static NotifyBlockOptions? BindBlock(ConfigDirective d, ConfigBindContext context, IReadOnlyList<IEventSinkFactory> factories,
        SpoolPlace? global)
    {
        var diag = context.Diagnostics;
        if (d.Arguments.Count != 1 || d.Arguments[0].IsKeyValue)
        {
            diag.Error(d.Location, $"'{d.Name}' expects a name: {d.Name} NAME {{ sink SPEC; ... }}");
            return null;
        }
        var name = d.Arguments[0].Value;
        string? sink = null;
        SourceLocation sinkLocation = d.Location;
        var only = new List<ConfigDirective>();
        var except = new List<ConfigDirective>();
        var options = new List<ConfigDirective>();
        EventLevel? verbose = null;
        bool buffer = true;
        var signKeys = new List<string>();
        SpoolPlace? spool = global;
        ConfigDirective? resendLimitLine = null;
        int? resendLimit = null;
        var resendTimeout = TimeSpan.FromSeconds(10);
        var ok = true;

        foreach (var c in d.Block ?? [])
        {
            switch (c.Name)
            {
                case "sink" or "url":
                    if (c.Arguments.Count != 1)
                    {
                        diag.Error(c.Location, $"'{c.Name}' expects one sink spec, got {Given(c)} (e.g. {c.Name} http://backend.local/notify.php;)");
                        ok = false;
                        break;
                    }
                    sink = c.Arguments[0].IsKeyValue ? c.Arguments[0].Text : c.Arguments[0].Value;
                    sinkLocation = c.Arguments[0].Location;
                    break;
                case "only" or "except":
                    if (!CheckFilterLine(c, diag)) { ok = false; break; }
                    (c.Name == "only" ? only : except).Add(c);
                    break;
                case "verbose" or "level":
                    if (c.Arguments.Count != 1 || !EventLevels.TryParse(c.Arguments[0].Value, out var level))
                    {
                        diag.Error(c.Location, $"'{c.Name}' expects one of {string.Join(", ", EventLevels.All)}, got {Given(c)}");
                        ok = false;
                        break;
                    }
                    verbose = level;
                    break;
                case "buffer":
                    if (c.Bool(diag) is { } b) buffer = b; else ok = false;
                    break;
                case "sign_key":
                    // A security directive: a second word is a mistake, never silently dropped (nor echoed).
                    if (c.Arguments.Count != 1) { diag.Error(c.Location, "'sign_key' expects 1 argument: sign_key KEY (one line per key)"); ok = false; break; }
                    signKeys.Add(c.Arguments[0].Value);
                    break;
                case "spool":
                    if (c.Arguments.Count == 1 && c.Arguments[0].Value is "off" or "false") { spool = null; break; }
                    spool = Spool(c, diag, context.ConfigDirectory);
                    ok &= spool is not null;
                    break;
                case "resend_notifications_limit":
                    resendLimitLine = c;
                    resendLimit = ResendLimit(c, diag);
                    ok &= resendLimit is not null;
                    break;
                case "resend_notifications_timeout":
                    if (c.Duration(diag, 0, "seconds") is { } t && t > TimeSpan.Zero) resendTimeout = t;
                    else
                    {
                        if (c.Arguments.Count > 0 && ConfigValues.TryParseDuration(c.Arguments[0].Value, out _))
                            diag.Error(c.Location, $"'resend_notifications_timeout' must be more than 0 seconds, got '{c.Arguments[0].Text}'");
                        ok = false;
                    }
                    break;
                default:
                    if (Known.FirstOrDefault(k => DidYouMean.Distance(c.Name, k) == 1) is { } near)
                        diag.Warning(c.Location, $"'{c.Name}' is not a notify option and is handed to the sink; did you mean '{near}'?");
                    options.Add(c);
                    break;
            }
        }
        foreach (var line in only.Concat(except)) WarnUnknownEvents(line, diag);
        if (spool is not null && resendLimitLine is not null)
            diag.Warning(resendLimitLine.Location, "'resend_notifications_limit' has no effect on a block with a spool: the spool keeps every event until delivered (up to its SIZE)");

        if (sink is null)
        {
            diag.Error(d.Location, $"{d.Name} '{name}' needs a sink: {(d.Name == "event_sink" ? "url" : "sink")} SPEC; (sink types: {SinkFactories.Describe(factories)})");
            return null;
        }
        var block = new NotifyBlockOptions
        {
            Name = name, Sink = sink, SinkLocation = sinkLocation, Only = only, Except = except, Verbose = verbose,
            Buffer = buffer, SignKeys = signKeys, ResendLimit = resendLimit, ResendTimeout = resendTimeout,
            Spool = spool is null ? null : new SpoolSettings(Path.Combine(spool.Folder, name), spool.MaxBytes),
            SinkOptions = options, Location = d.Location, Text = d.Text,
        };
        var factory = SinkFactories.Claiming(factories, sink);
        if (factory is null)
        {
            diag.Error(sinkLocation, $"no sink type handles '{sink}'; sink types: {SinkFactories.Describe(factories)}");
            return null;
        }
        var checkedHere = new DiagnosticList();
        try
        {
            factory.Validate(block.SinkContext(context.ConfigDirectory, Environment.MachineName, NullLogger.Instance, context.Services, checkedHere));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            checkedHere.Error(sinkLocation, $"{factory.Name} failed to check it: {e.GetType().Name}: {e.Message}");
        }
        foreach (var item in checkedHere.Items)
        {
            if (item.Severity == DiagnosticSeverity.Error) diag.Error(item.Location, item.Message);
            else diag.Warning(item.Location, item.Message);
        }
        return ok && !checkedHere.HasErrors ? block : null;
    }

    /// <summary>Where <c>spool PATH [SIZE]</c> puts the spools (each block in <c>PATH/NAME</c>).</summary>
    private sealed record SpoolPlace(string Folder, long MaxBytes);

    private static SpoolPlace? Spool(ConfigDirective c, IConfigDiagnostics diag, string configDirectory)
    {
        if (c.Arguments.Count is < 1 or > 2 || c.Arguments[0].IsKeyValue || c.Arguments[0].Value.Length == 0)
        {
            diag.Error(c.Location, $"'spool' expects a folder and an optional size: spool PATH [SIZE]; (e.g. spool /var/spool/sluice 1G;), got {Given(c)}");
            return null;
        }
        var size = SpoolSettings.DefaultMaxBytes;
        if (c.Arguments.Count == 2)
        {
            if (c.Size(diag, 1, "a spool size") is not { } s) return null;
            if (s < SpoolSettings.MinMaxBytes)
            {
                diag.Error(c.Arguments[1].Location, $"a spool needs at least 1M, got '{c.Arguments[1].Text}'");
                return null;
            }
            size = s;
        }
        return new SpoolPlace(Path.GetFullPath(c.Arguments[0].Value, configDirectory), size);
    }

    /// <summary><c>only event=stream_startd</c>: a name the catalog does not know is a warning (injected events may use any name).</summary>
    private static void WarnUnknownEvents(ConfigDirective line, IConfigDiagnostics diag)
    {
        foreach (var a in line.Arguments.Where(a => a.IsKeyValue && a.Key == "event"))
        {
            foreach (var name in a.Values)
            {
                if (name == "*" || EventCatalog.Find(name) is not null) continue;
                var hint = DidYouMean.Suggest(name, EventCatalog.All.Select(e => e.Name)) is { } near ? $"; did you mean '{near}'?" : "";
                diag.Warning(a.Location, $"'{name}' is not an event Sluice emits{hint} (injected events may use any name; 'sluice events' lists Sluice's)");
            }
        }
    }

    internal static bool CheckFilterLine(ConfigDirective c, IConfigDiagnostics diag)
    {
        if (c.Arguments.Count == 0)
        {
            diag.Error(c.Location, $"'{c.Name}' expects key=value pairs, e.g. {c.Name} event=stream_started,stream_stopped media=cbc;");
            return false;
        }
        var ok = true;
        foreach (var a in c.Arguments.Where(a => !a.IsKeyValue || a.Key!.Length == 0 || a.Values.Count == 0))
        {
            diag.Error(a.Location, $"'{c.Name}' expects key=value pairs, got '{a.Text}' (e.g. event=stream_started or media=*)");
            ok = false;
        }
        return ok;
    }

    private static int? ResendLimit(ConfigDirective c, IConfigDiagnostics diag)
    {
        if (c.Arguments.Count != 1 || !ConfigValues.TryParseInt(c.Arguments[0].Value, out var n))
        {
            diag.Error(c.Location, $"'resend_notifications_limit' expects a number of events (1..2000), got {Given(c)}");
            return null;
        }
        if (n > NotifyBlockOptions.MaxResendLimit)
        {
            diag.Error(c.Arguments[0].Location, $"'resend_notifications_limit' cannot exceed {NotifyBlockOptions.MaxResendLimit}, got {n}");
            return null;
        }
        if (n < 1)
        {
            diag.Error(c.Arguments[0].Location, $"'resend_notifications_limit' must be at least 1, got {n}");
            return null;
        }
        return n;
    }

    /// <summary>What was written, for "got ..." in messages: <c>'warn'</c>, <c>nothing</c> or <c>2 arguments</c>.</summary>
    private static string Given(ConfigDirective c) => c.Arguments.Count switch
    {
        0 => "nothing",
        1 => $"'{c.Arguments[0].Text}'",
        var n => $"{n} arguments",
    };
}
