using Sluice.Abstractions.Events;

namespace Sluice.Host.Streams;

/// <summary>
/// <c>backup FILE;</c>: once every input has failed in turn, the loop plays the file (looped, by the source
/// that reads <c>file://</c>) instead of leaving viewers with nothing, and emits <c>stream_backup</c>. While
/// it plays, the inputs are probed in turn; the first that delivers a keyframe takes over. In the loop the
/// backup is the position after the last input; this file holds what is particular to it.
/// </summary>
internal sealed partial class MediaStream
{
    private int _probeRotor;

    private static bool IsBackup(StreamOptions options, int index) => index == options.Inputs.Count;

    /// <summary>After input <paramref name="index"/> failed: the next input, or the backup when the inputs went round.</summary>
    private static int NextAfterFailure(StreamOptions options, int index)
    {
        var next = (index + 1) % options.Inputs.Count;
        return next == 0 && options.Backup is not null ? options.Inputs.Count : next;
    }

    /// <summary>The input's URL as shown (secrets masked), or the backup file's path.</summary>
    private static string Describe(StreamOptions options, int index) =>
        IsBackup(options, index) ? options.Backup!.Path : options.Inputs[index].DisplayUrl;

    /// <summary>Which input to probe: the primary from a later input; every input in turn from the backup.</summary>
    private int ProbeTarget(StreamOptions options, int index) =>
        IsBackup(options, index) ? _probeRotor++ % options.Inputs.Count : 0;

    /// <summary>The backup's first frame: it is on the air.</summary>
    private void BackupStarted(StreamInlet inlet)
    {
        _states.Backup(inlet.Url);
        Emit("stream_backup", new EventField("file", inlet.Url));
    }
}
