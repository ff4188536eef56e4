namespace Sluice.Host.Streams;

/// <summary>Bytes per second over the last few whole seconds, in one-second buckets. Used under the stream's lock.</summary>
internal sealed class BitrateMeter
{
    private const int Window = 5;
    private readonly long[] _second = new long[Window + 1];
    private readonly long[] _bytes = new long[Window + 1];

    public void Add(int bytes, long nowMs)
    {
        var sec = nowMs / 1000;
        var i = (int)(sec % _second.Length);
        if (_second[i] != sec) { _second[i] = sec; _bytes[i] = 0; }
        _bytes[i] += bytes;
    }

    /// <summary>Average bits per second over the last <see cref="Window"/> complete seconds.</summary>
    public long BitsPerSecond(long nowMs)
    {
        var sec = nowMs / 1000;
        long total = 0;
        for (var i = 0; i < _second.Length; i++)
            if (_second[i] >= sec - Window && _second[i] < sec) total += _bytes[i];
        return total * 8 / Window;
    }
}
