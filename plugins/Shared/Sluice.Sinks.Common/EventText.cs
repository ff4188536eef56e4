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
            .Append(' ').Append(evt.Name);
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
        sb.Append(' ').Append(key).Append('=');
        var plain = value.Length > 0 && value.AsSpan().IndexOfAny(" \t\r\n\"=") < 0;
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
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
