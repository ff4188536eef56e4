using System.Text;
using System.Text.Json;
using Sluice.Host.Events;
using Sluice.Host.Json;

namespace Sluice.Host.Notify;

/// <summary>One block's verdict on an event: delivered, or dropped and why.</summary>
internal sealed record ExplainResult(string Handler, bool Deliver, string? Reason)
{
    public override string ToString() => Deliver ? $"{Handler} deliver" : $"{Handler} drop {Reason}";
}

/// <summary>
/// <c>sluice notify explain EVENT_JSON</c>: which blocks would receive an event and why the others
/// would not. The event's level and group default to the catalog's, as when Sluice emits it.
/// </summary>
internal static class NotifyExplainer
{
    /// <summary>Verdicts in file order. Throws <see cref="FormatException"/> with a clear message for bad JSON.</summary>
    public static IReadOnlyList<ExplainResult> Explain(NotifyOptions options, string eventJson, string? server = null)
    {
        var events = InjectedEventParser.TryParse(eventJson, server ?? Environment.MachineName, out var error, catalogDefaults: true)
            ?? throw new FormatException(error);
        if (events.Count != 1) throw new FormatException($"explain takes one event, got {events.Count}");
        var view = new EventView(events[0]);
        var results = new List<ExplainResult>();
        foreach (var block in options.Blocks)
        {
            var reason = CompiledFilter.Compile(block).DropReason(view);
            results.Add(new(block.Name, reason is null, reason));
        }
        return results;
    }

    public static string ToText(IReadOnlyList<ExplainResult> results)
    {
        var sb = new StringBuilder();
        foreach (var r in results) sb.Append(r).Append('\n');
        return sb.ToString();
    }

    public static string ToJson(IReadOnlyList<ExplainResult> results)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, HumanJson.Writer()))
        {
            w.WriteStartArray();
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("handler", r.Handler);
                w.WriteBoolean("deliver", r.Deliver);
                w.WriteString("reason", r.Reason ?? "");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
