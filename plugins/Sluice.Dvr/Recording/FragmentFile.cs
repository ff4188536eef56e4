using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Recording;

/// <summary>
/// The fragment being written: <c>HH/MM-SS-mmm.ts.part</c> in its hour folder, filled through
/// <see cref="Output"/> and written to the file in chunks of <c>WriteChunk</c> bytes (so a kill -9 loses at
/// most one chunk), renamed to its final name (with its duration) when finished. Any I/O error surfaces as
/// an exception from the call that met it.
/// </summary>
internal sealed class FragmentFile : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly int _chunk;
    private SafeFileHandle? _handle;
    private long _written;

    private FragmentFile(string folder, string partPath, long startMs, SafeFileHandle handle, int chunk)
    {
        Folder = folder;
        PartPath = partPath;
        StartMs = startMs;
        _handle = handle;
        _chunk = chunk;
        _buffer = new ArrayBufferWriter<byte>(chunk + (256 << 10));
    }

    public string Folder { get; }

    public string PartPath { get; }

    public long StartMs { get; }

    public long Bytes => _written + _buffer.WrittenCount;

    /// <summary>Where the muxer writes; call <see cref="Pump"/> after each frame.</summary>
    public IBufferWriter<byte> Output => _buffer;

    /// <summary>Opens the part file of a fragment starting at <paramref name="startMs"/>; <paramref name="newBlob"/> tells whether its hour folder was created now.</summary>
    public static FragmentFile Create(string archiveFolder, long startMs, int chunk, out bool newBlob)
    {
        var folder = Path.Combine(archiveFolder, FragmentNames.BlobOf(startMs));
        newBlob = !Directory.Exists(folder);
        if (newBlob) Directory.CreateDirectory(folder);
        var part = Path.Combine(folder, FragmentNames.PartName(startMs));
        var handle = File.OpenHandle(part, FileMode.Create, FileAccess.Write, FileShare.Read);
        return new FragmentFile(folder, part, startMs, handle, chunk);
    }

    /// <summary>Writes what the muxer produced once it reaches a chunk.</summary>
    public void Pump()
    {
        if (_buffer.WrittenCount >= _chunk) WriteBuffer();
    }

    /// <summary>Writes the rest, closes and renames the file; returns the finished fragment.</summary>
    public Fragment Finish(int durationMs)
    {
        WriteBuffer();
        _handle!.Dispose();
        _handle = null;
        var final = Path.Combine(Folder, FragmentNames.FileName(StartMs, durationMs));
        File.Move(PartPath, final, overwrite: true);
        return new Fragment(StartMs, durationMs, _written);
    }

    /// <summary>Closes and deletes the part file (after a write error), never throwing.</summary>
    public void Abandon()
    {
        try
        {
            _handle?.Dispose();
            _handle = null;
            File.Delete(PartPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private void WriteBuffer()
    {
        if (_buffer.WrittenCount == 0) return;
        RandomAccess.Write(_handle!, _buffer.WrittenSpan, _written);
        _written += _buffer.WrittenCount;
        _buffer.ResetWrittenCount();
    }

    public void Dispose() => Abandon();
}
