namespace Sluice.Media.Mp4;

/// <summary>
/// What one track's <c>stbl</c> needs, gathered sample by sample: sizes, decode times and composition
/// offsets (in the track's timescale), sync samples, and chunks (runs of samples laid out together in mdat).
/// About 21 bytes per sample.
/// </summary>
internal sealed class SampleTable
{
    private int[] _sizes = new int[1024];
    private long[] _dts = new long[1024];
    private int[] _cts = new int[1024];
    private readonly List<int> _sync = [];
    private readonly List<(int FirstSample, long Offset)> _chunks = [];

    public int Count { get; private set; }

    public long FirstPts { get; private set; } = long.MaxValue;

    public IReadOnlyList<int> SyncSamples => _sync;

    public IReadOnlyList<(int FirstSample, long Offset)> Chunks => _chunks;

    public bool AllSync => _sync.Count == Count;

    public bool HasCompositionOffsets { get; private set; }

    public bool NegativeCompositionOffsets { get; private set; }

    public int SizeAt(int i) => _sizes[i];

    public long DtsAt(int i) => _dts[i];

    public int CtsAt(int i) => _cts[i];

    /// <summary>Adds a sample; <paramref name="newChunk"/> starts a chunk at <paramref name="offset"/> (from the start of mdat's payload).</summary>
    public void Add(int size, long dts, long pts, bool sync, bool newChunk, long offset)
    {
        if (Count == _sizes.Length)
        {
            Array.Resize(ref _sizes, Count * 2);
            Array.Resize(ref _dts, Count * 2);
            Array.Resize(ref _cts, Count * 2);
        }
        if (newChunk || _chunks.Count == 0) _chunks.Add((Count, offset));
        _sizes[Count] = size;
        _dts[Count] = dts;
        var cts = (int)Math.Clamp(pts - dts, int.MinValue, int.MaxValue);
        _cts[Count] = cts;
        if (cts != 0) HasCompositionOffsets = true;
        if (cts < 0) NegativeCompositionOffsets = true;
        if (sync) _sync.Add(Count);
        FirstPts = Math.Min(FirstPts, pts);
        Count++;
    }

    /// <summary>Duration of sample <paramref name="i"/>: up to the next one; the last repeats the one before (or <paramref name="last"/>).</summary>
    public long DurationAt(int i, long last)
    {
        if (i + 1 < Count) return _dts[i + 1] - _dts[i];
        return Count > 1 ? _dts[i] - _dts[i - 1] : last;
    }

    /// <summary>Sum of the sample durations.</summary>
    public long Duration(long last) => Count == 0 ? 0 : _dts[Count - 1] - _dts[0] + DurationAt(Count - 1, last);

    public int SamplesInChunk(int chunk) =>
        (chunk + 1 < _chunks.Count ? _chunks[chunk + 1].FirstSample : Count) - _chunks[chunk].FirstSample;
}
