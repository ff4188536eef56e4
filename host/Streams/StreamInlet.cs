using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// The <see cref="ISourceOutput"/> one attempt (or one publisher) writes to. The stream accepts only
/// its current inlet, so a source that keeps writing after it was cancelled cannot mix in frames.
/// Called on the source's thread.
/// </summary>
internal sealed class StreamInlet(MediaStream stream, string url, int input = -1) : ISourceOutput
{
    private readonly HashSet<int> _seenTracks = [];
    private int _connected;
    private long _firstFrame = -1;   // timestamp of the stream's clock

    public string Url { get; } = url;

    /// <summary>The <see cref="Input"/> of the inlet that plays the stream's backup file.</summary>
    public const int BackupInput = -2;

    /// <summary>Which of the stream's inputs this attempt reads (0: the primary), -1 for a publisher, <see cref="BackupInput"/>.</summary>
    public int Input { get; } = input;

    public bool IsBackup => Input == BackupInput;

    public bool Started => Volatile.Read(ref _firstFrame) >= 0;

    /// <summary>How long ago the first frame came (zero before it).</summary>
    public TimeSpan SinceFirstFrame => Started ? stream.Time.GetElapsedTime(Volatile.Read(ref _firstFrame)) : TimeSpan.Zero;

    public void Connected()
    {
        if (Interlocked.Exchange(ref _connected, 1) == 0) stream.InletConnected(this);
    }

    public void OnTrack(TrackInfo track) => stream.InletTrack(this, track);

    public void OnFrame(in MediaFrame frame)
    {
        if (_firstFrame < 0)
        {
            Connected(); // a source that forgot to say so has clearly connected
            if (!stream.IsActive(this)) return;
            Volatile.Write(ref _firstFrame, stream.Time.GetTimestamp());
            stream.InletStarted(this);
        }
        // The first frame of each track from a new source marks the break in the timeline.
        if (_seenTracks.Count < 64 && _seenTracks.Add(frame.TrackId) && (frame.Flags & FrameFlags.Discontinuity) == 0)
        {
            var marked = new MediaFrame(frame.TrackId, frame.Codec, frame.Dts, frame.Pts, frame.Flags | FrameFlags.Discontinuity, frame.Payload);
            stream.Deliver(this, marked);
            return;
        }
        stream.Deliver(this, frame);
    }
}
