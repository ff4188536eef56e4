namespace Sluice.Sinks.Common;

/// <summary>
/// A script's text, read again when the file's modification time or size changed, so an edit
/// takes effect at the next batch without a reload of the configuration.
/// </summary>
public sealed class ScriptSource(string path)
{
    private DateTime _mtime;
    private long _length = -1;

    public string Path { get; } = path;

    public string Text { get; private set; } = "";

    /// <summary>Bumped each time the text was read again.</summary>
    public int Version { get; private set; }

    /// <summary>Rereads the file when it changed; throws IOException when it cannot be read.</summary>
    public void Refresh()
    {
        var info = new FileInfo(Path);
        if (!info.Exists) throw new FileNotFoundException($"script '{Path}' does not exist", Path);
        if (info.LastWriteTimeUtc == _mtime && info.Length == _length) return;
        Text = File.ReadAllText(Path);
        _mtime = info.LastWriteTimeUtc;
        _length = info.Length;
        Version++;
    }
}
