namespace Sluice.Dvr.Archive;

/// <summary>
/// The fragments of one stream's archive in start order, under one lock: the recorder appends, retention
/// removes the oldest, playback copies the slice it needs (never the whole list).
/// </summary>
internal sealed class ArchiveIndex
{
    private readonly Lock _gate = new();
    private readonly List<Fragment> _fragments = [];
    private long _bytes;

    public int Count
    {
        get { lock (_gate) return _fragments.Count; }
    }

    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    public Fragment? First
    {
        get { lock (_gate) return _fragments.Count == 0 ? null : _fragments[0]; }
    }

    public Fragment? Last
    {
        get { lock (_gate) return _fragments.Count == 0 ? null : _fragments[^1]; }
    }

    /// <summary>Replaces everything (the scan at start), sorting by start.</summary>
    public void Load(IEnumerable<Fragment> fragments)
    {
        var sorted = fragments.OrderBy(f => f.StartMs).ToList();
        lock (_gate)
        {
            // Whatever the recorder added while the scan ran is newer than what is on disk.
            var added = _fragments.Where(f => sorted.Count == 0 || f.StartMs > sorted[^1].StartMs).ToList();
            _fragments.Clear();
            _fragments.AddRange(sorted);
            _fragments.AddRange(added);
            _bytes = _fragments.Sum(f => f.Bytes);
        }
    }

    public void Append(Fragment fragment)
    {
        lock (_gate)
        {
            var at = _fragments.Count;
            while (at > 0 && _fragments[at - 1].StartMs > fragment.StartMs) at--;
            _fragments.Insert(at, fragment);
            _bytes += fragment.Bytes;
        }
    }

    /// <summary>The fragments that overlap [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public Fragment[] Between(long fromMs, long toMs)
    {
        lock (_gate)
        {
            var first = FirstEndingAfter(fromMs);
            var last = first;
            while (last < _fragments.Count && _fragments[last].StartMs < toMs) last++;
            return _fragments.GetRange(first, last - first).ToArray();
        }
    }

    /// <summary>The fragment that starts at <paramref name="startMs"/> (what a URL names), or null.</summary>
    public Fragment? At(long startMs)
    {
        lock (_gate)
        {
            var i = FirstEndingAfter(startMs);
            return i < _fragments.Count && _fragments[i].StartMs == startMs ? _fragments[i] : null;
        }
    }

    /// <summary>Recorded ranges: runs of fragments with gaps shorter than <paramref name="mergeGapMs"/> between them.</summary>
    public List<(long FromMs, long ToMs)> Ranges(long mergeGapMs)
    {
        var ranges = new List<(long, long)>();
        lock (_gate)
        {
            foreach (var f in _fragments)
            {
                if (ranges.Count > 0 && f.StartMs - ranges[^1].Item2 < mergeGapMs)
                    ranges[^1] = (ranges[^1].Item1, Math.Max(ranges[^1].Item2, f.EndMs));
                else ranges.Add((f.StartMs, f.EndMs));
            }
        }
        return ranges;
    }

    /// <summary>
    /// Takes the oldest fragments off the index while <paramref name="remove"/> says so (given the fragment and
    /// the bytes the archive holds with it), never one starting at or after <paramref name="keepFromMs"/>.
    /// </summary>
    public List<Fragment> TakeOldest(Func<Fragment, long, bool> remove, long keepFromMs)
    {
        var taken = new List<Fragment>();
        lock (_gate)
        {
            var n = 0;
            var bytes = _bytes;
            while (n < _fragments.Count && _fragments[n].StartMs < keepFromMs && remove(_fragments[n], bytes))
            {
                bytes -= _fragments[n].Bytes;
                taken.Add(_fragments[n]);
                n++;
            }
            _fragments.RemoveRange(0, n);
            _bytes = bytes;
        }
        return taken;
    }

    private int FirstEndingAfter(long ms)
    {
        int lo = 0, hi = _fragments.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_fragments[mid].EndMs <= ms) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
