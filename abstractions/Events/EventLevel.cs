namespace Sluice.Abstractions.Events;

/// <summary>Event importance, lowest first (the spec's <c>verbose</c> levels).</summary>
public enum EventLevel : byte { Debug, Info, Notice, Warning, Error, Critical, Alert }

public static class EventLevels
{
    private static readonly string[] Names = ["debug", "info", "notice", "warning", "error", "critical", "alert"];

    public static string ToName(this EventLevel level) => Names[(int)level];

    public static bool TryParse(ReadOnlySpan<char> text, out EventLevel level)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (text.Equals(Names[i], StringComparison.OrdinalIgnoreCase)) { level = (EventLevel)i; return true; }
        }
        level = EventLevel.Info;
        return false;
    }

    public static IReadOnlyList<string> All => Names;
}
