namespace Sluice.Dvr.Archive;

/// <summary>
/// Rebuilds a stream's index from its folder alone: every <c>YYYY/MM/DD/HH/</c> folder, every fragment
/// name in it; fragments a crash left half-written are repaired or dropped. Other files are left alone.
/// </summary>
internal static class ArchiveScanner
{
    public sealed record Result(List<Fragment> Fragments, int Repaired, int Dropped, List<string> Problems);

    public static Result Scan(string folder)
    {
        var fragments = new List<Fragment>();
        var problems = new List<string>();
        int repaired = 0, dropped = 0;
        if (!Directory.Exists(folder)) return new Result(fragments, 0, 0, problems);
        foreach (var year in Children(folder))
        foreach (var month in Children(year))
        foreach (var day in Children(month))
        foreach (var hour in Children(day))
        {
            if (!FragmentNames.TryParseBlob(Path.GetFileName(year), Path.GetFileName(month), Path.GetFileName(day), Path.GetFileName(hour), out var hourMs))
                continue;
            foreach (var file in new DirectoryInfo(hour).EnumerateFiles())
            {
                var name = file.Name;
                if (FragmentNames.TryParseFile(hourMs, name, out var start, out var duration))
                {
                    fragments.Add(new Fragment(start, duration, file.Length));
                }
                else if (FragmentNames.TryParsePart(hourMs, name, out start))
                {
                    try
                    {
                        if (FragmentRepair.Repair(file.FullName, start) is { } fixedUp)
                        {
                            fragments.Add(fixedUp);
                            repaired++;
                        }
                        else dropped++;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        problems.Add($"{file.FullName}: {e.Message}");
                    }
                }
            }
        }
        return new Result(fragments, repaired, dropped, problems);
    }

    private static IEnumerable<string> Children(string folder)
    {
        try
        {
            return Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
