using HandlebarsDotNet;
using Sluice.Abstractions.Events;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Email;

/// <summary>
/// Handlebars templates over <c>{ events, count, server, block }</c>; each event has its fields,
/// <c>time</c> (ISO 8601 UTC) and <c>text</c> (the one-line form). Plain text: nothing is HTML-escaped.
/// </summary>
internal sealed class MailTemplates
{
    public const string DefaultBody = """
        {{count}} event(s) from {{server}} (notify {{block}}):

        {{#each events}}
        {{text}}
        {{/each}}
        """;

    private static readonly HandlebarsConfiguration Configuration = new() { NoEscape = true };
    private readonly IHandlebars _handlebars = Handlebars.Create(Configuration);

    public HandlebarsTemplate<object, object> Compile(string text) => _handlebars.Compile(text);

    /// <summary>The compile error of <paramref name="text"/>, or null when it is a valid template.</summary>
    public static string? Check(string text)
    {
        try
        {
            Handlebars.Create(Configuration).Compile(text);
            return null;
        }
        catch (HandlebarsException e)
        {
            return e.Message;
        }
    }

    public static object Model(IReadOnlyList<SluiceEvent> batch, string server, string block)
    {
        var events = new List<Dictionary<string, object?>>(batch.Count);
        foreach (var evt in batch)
        {
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var f in evt.AllFields()) fields[f.Name] = f.Value.Kind == EventValueKind.Json ? f.Value.ToString() : f.Value.ToObject();
            fields["time"] = DateTimeOffset.FromUnixTimeMilliseconds(evt.UtcMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            fields["text"] = EventText.Format(evt);
            events.Add(fields);
        }
        return new Dictionary<string, object?> { ["events"] = events, ["count"] = batch.Count, ["server"] = server, ["block"] = block };
    }
}
