using System.Globalization;
using System.Text;
using Sluice.Abstractions.Events;

namespace Sluice.Sinks.Common;

/// <summary>
/// The one-line human form of an event:
/// <c>2026-11-21T10:00:00.123Z warning source_closed media=cam1 server=x key=value id=...</c>.
/// </summary>
public static class EventText
{
    public static void Append(StringBuilder sb, SluiceEvent evt)
    {
        sb.Append(DateTimeOffset.FromUnixTimeMilliseconds(evt.UtcMs).UtcDateTime
                .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            .Append(' ').Append(evt.Level.ToName())
            .Append(' ');
        AppendWord(sb, evt.Name);
        if (evt.Media is not null) AppendPair(sb, "media", evt.Media);
        if (evt.Group is not null) AppendPair(sb, "group", evt.Group);
        AppendPair(sb, "server", evt.Server);
        foreach (var f in evt.Fields)
        {
            if (!f.Value.IsNull) AppendPair(sb, f.Name, f.Value.ToString());
        }
        AppendPair(sb, "id", evt.Id);
    }

    public static string Format(SluiceEvent evt)
    {
        var sb = new StringBuilder(128);
        Append(sb, evt);
        return sb.ToString();
    }

    private static void AppendPair(StringBuilder sb, string key, string value)
    {
        sb.Append(' ');
        AppendWord(sb, key);
        sb.Append('=');
        AppendWord(sb, value);
    }

    /// <summary>
    /// A name, key or value: as is when it is plain, otherwise quoted with every quote, backslash, line
    /// break, control character (ANSI escapes) and invisible formatting character escaped, so that no
    /// event, injected or not, can end its line early, forge another one or drive the terminal.
    /// </summary>
    private static void AppendWord(StringBuilder sb, string value)
    {
        var plain = value.Length > 0;
        foreach (var c in value)
        {
            if (c is ' ' or '"' or '=' or '\\' || NeedsEscape(c)) { plain = false; break; }
        }
        if (plain) { sb.Append(value); return; }
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (NeedsEscape(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Control characters (C0, DEL, C1), line and paragraph separators, bidirectional overrides.</summary>
    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';
}
