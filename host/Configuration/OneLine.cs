using System.Text;

namespace Sluice.Host.Configuration;

/// <summary>
/// Makes a message fit on its line: <c>sluice check</c> and the logs print one problem per line, yet a
/// quoted value may span lines and libraries write multi-line errors (Handlebars' "\n\nOccured at").
/// </summary>
internal static class OneLine
{
    /// <summary>
    /// Every run of line breaks, with the blanks around it, becomes one space; other control characters
    /// (an ANSI escape in a value) are written as <c>\u001b</c> so nothing reaches the terminal raw.
    /// </summary>
    public static string Fold(string message)
    {
        if (!NeedsFolding(message)) return message;
        var sb = new StringBuilder(message.Length);
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            if (IsBreak(c))
            {
                while (sb.Length > 0 && sb[^1] is ' ' or '\t') sb.Length--;
                while (i + 1 < message.Length && (IsBreak(message[i + 1]) || message[i + 1] is ' ' or '\t')) i++;
                if (sb.Length > 0 && i + 1 < message.Length) sb.Append(' ');
            }
            else if (char.IsControl(c) && c != '\t') sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool NeedsFolding(string s)
    {
        foreach (var c in s)
        {
            if ((char.IsControl(c) && c != '\t') || IsBreak(c)) return true;
        }
        return false;
    }

    private static bool IsBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';
}
