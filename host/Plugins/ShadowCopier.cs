namespace Sluice.Host.Plugins;

/// <summary>
/// Copies a plugin folder into a private directory before loading, so the originals can be
/// overwritten in place (a new version dropped over the old) while the old one still runs.
/// </summary>
internal sealed class ShadowCopier(string root)
{
    private static int _sequence;

    public string Root { get; } = root;

    /// <summary>Copies <paramref name="folder"/> to <c>ROOT/NAME-N/</c> and returns that directory.</summary>
    public string Copy(string folder, string name)
    {
        var safeName = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        var target = Path.Combine(Root, $"{safeName}-{Interlocked.Increment(ref _sequence)}");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
        return target;
    }

    /// <summary>Best effort: a file still mapped on some systems stays until the process exits.</summary>
    public static void Delete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes the shadow directories of host processes that are gone.</summary>
    public void DeleteStaleSiblings()
    {
        var parent = Path.GetDirectoryName(Root);
        if (parent is null || !Directory.Exists(parent)) return;
        foreach (var dir in Directory.GetDirectories(parent))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != Environment.ProcessId && !IsRunning(pid)) Delete(dir);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
