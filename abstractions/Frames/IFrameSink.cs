namespace Sluice.Abstractions.Frames;

/// <summary>Receives what a demuxer (or any frame producer) finds, on the producer's thread.</summary>
public interface IFrameSink
{
    /// <summary>
    /// A track appeared or its configuration changed (parameter sets, AAC config). Called before
    /// the first frame that depends on the new configuration.
    /// </summary>
    void OnTrack(TrackInfo track);

    /// <summary>
    /// A frame. The payload is borrowed: the producer releases its reference when this returns,
    /// so a sink that keeps the frame must call <see cref="MediaFrame.Retain"/> first.
    /// </summary>
    void OnFrame(in MediaFrame frame);
}
