using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Streams;

/// <summary>What a stream name or prefix may look like: path-like words that are safe in URLs and file names.</summary>
internal static class StreamNames
{
    public static bool IsValid(ConfigArgument a, out string why)
    {
        if (a.IsKeyValue) { why = "not key=value"; return false; }
        return IsValid(a.Value, out why);
    }

    public static bool IsValid(string name, out string why)
    {
        why = "";
        if (name.Length is 0 or > 255) why = "1 to 255 characters";
        else if (name[0] == '/' || name[^1] == '/') why = "no leading or trailing '/'";
        else if (name.Split('/').Any(s => s is "" or "." or "..")) why = "no empty, '.' or '..' segments";
        else if (name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#' or '%' or '\\' or '"')) why = "no spaces, control characters, ?, #, %, \\ or quotes";
        return why.Length == 0;
    }
}
