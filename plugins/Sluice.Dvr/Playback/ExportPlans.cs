using System.Security.Cryptography;
using System.Text;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Playback;

/// <summary>
/// The MP4 plans of the last few exports, so that a player's range requests (one per seek) do not each read
/// the whole range again. A plan is reused only while the archive holds the same fragments for the range
/// (its <see cref="Tag"/>, also the response's ETag); a few entries, each dropped a minute after its last use.
/// </summary>
internal sealed class ExportPlans(TimeProvider time)
{
    private const int Capacity = 4;
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly List<(string Tag, Mp4Export Plan, DateTimeOffset Used)> _entries = [];

    /// <summary>The entity tag of an export: the folder, the asked range and every fragment it reads (start, length, bytes).</summary>
    public static string Tag(StreamArchive archive, DvrPath path, Fragment[] fragments)
    {
        var text = new StringBuilder(64 + fragments.Length * 24);
        text.Append(archive.Folder).Append('|').Append(path.FromMs).Append('|').Append(path.ToMs);
        foreach (var f in fragments) text.Append('|').Append(f.StartMs).Append(',').Append(f.DurationMs).Append(',').Append(f.Bytes);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return "\"" + Convert.ToHexStringLower(hash.AsSpan(0, 12)) + "\"";
    }

    public Mp4Export? Find(string tag)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _entries.RemoveAll(e => now - e.Used > Idle);
            var i = _entries.FindIndex(e => e.Tag == tag);
            if (i < 0) return null;
            var entry = _entries[i];
            _entries[i] = entry with { Used = now };
            return entry.Plan;
        }
    }

    public void Add(string tag, Mp4Export plan)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Tag == tag || now - e.Used > Idle);
            if (_entries.Count >= Capacity) _entries.RemoveAt(_entries.IndexOf(_entries.MinBy(e => e.Used)));
            _entries.Add((tag, plan, now));
        }
    }
}
