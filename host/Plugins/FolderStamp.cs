namespace Sluice.Host.Plugins;

/// <summary>
/// A cheap fingerprint of a plugin folder (every file's relative path, size and write time), so a
/// rescan notices files replaced in place without reading them.
/// </summary>
internal readonly record struct FolderStamp(long Hash, int Files)
{
    public static FolderStamp Of(string folder)
    {
        try
        {
            var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
            Array.Sort(files, StringComparer.Ordinal);
            var hash = new HashCode();
            foreach (var file in files)
            {
                var info = new FileInfo(file);
                hash.Add(Path.GetRelativePath(folder, file), StringComparer.Ordinal);
                hash.Add(info.Length);
                hash.Add(info.LastWriteTimeUtc.Ticks);
            }
            return new FolderStamp(hash.ToHashCode(), files.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Being written or removed right now: a stamp that matches nothing, the next scan settles it.
            return new FolderStamp(Environment.TickCount64, -1);
        }
    }
}
