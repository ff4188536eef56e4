using HandlebarsDotNet;
using Sluice.Abstractions.Events;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Email;

/// <summary>
/// Handlebars templates over <c>{ events, count, server, block }</c>; each event has its fields,
/// <c>time</c> (ISO 8601 UTC) and <c>text</c> (the one-line form). Text templates (subject, body)
/// escape nothing; HTML templates escape every <c>{{value}}</c> (<c>{{{value}}}</c> is raw), so an
/// event's fields cannot inject markup.
/// </summary>
internal sealed class MailTemplates
{
    public const string DefaultBody = """
        {{count}} event(s) from {{server}} (notify {{block}}):

        {{#each events}}
        {{text}}
        {{/each}}
        """;

    private static readonly HandlebarsConfiguration TextConfiguration = new() { NoEscape = true };
    private static readonly HandlebarsConfiguration HtmlConfiguration = new();
    private readonly IHandlebars _text = Handlebars.Create(TextConfiguration);
    private readonly IHandlebars _html = Handlebars.Create(HtmlConfiguration);

    public HandlebarsTemplate<object, object> Compile(string text, bool html) => (html ? _html : _text).Compile(text);

    /// <summary>The compile error of <paramref name="text"/>, or null when it is a valid template.</summary>
    public static string? Check(string text, bool html)
    {
        try
        {
            Handlebars.Create(html ? HtmlConfiguration : TextConfiguration).Compile(text);
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
