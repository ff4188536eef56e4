namespace Sluice.Sinks.Log;

/// <summary>
/// An append-only file that follows rotation: before each batch it checks that the open file is
/// still the one at the path (not moved, deleted or replaced) and not truncated, and reopens if not.
/// </summary>
internal sealed class LogFile(string path) : IDisposable
{
    private FileStream? _stream;
    private string? _openedAs; // where /proc says the file was right after opening (symlinks resolved)

    public FileStream Stream => _stream ?? throw new InvalidOperationException("log file is not open");

    /// <summary>Opens, or reopens when the file was rotated; <paramref name="force"/> reopens anyway (SIGUSR1).</summary>
    public void EnsureOpen(bool force)
    {
        if (_stream is not null && !force && StillCurrent(_stream)) return;
        Close();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 64 * 1024,
        });
        _openedAs = OpenFilePath(_stream);
    }

    private bool StillCurrent(FileStream stream)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return false;
        if (OpenFilePath(stream) is { } where && where != _openedAs) return false; // moved or deleted
        var length = stream.Length;
        if (info.Length != length) return false;                          // another file now sits at the path
        if (length < stream.Position) stream.Seek(0, SeekOrigin.End);       // truncated in place (copytruncate)
        return true;
    }

    /// <summary>Where the open file is now, from /proc/self/fd (Linux); null elsewhere.</summary>
    private static string? OpenFilePath(FileStream stream)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var link = new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
            return link;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public void Close()
    {
        try { _stream?.Dispose(); }
        catch (IOException) { /* the data was flushed at the end of the last batch */ }
        _stream = null;
    }

    public void Dispose() => Close();
}
