using Sluice.Abstractions.Frames;

namespace Sluice.Media.Timeline;

/// <summary>Compares track descriptions by content (records compare byte arrays by reference).</summary>
public static class TrackComparer
{
    public static bool SameConfiguration(TrackInfo a, TrackInfo b) =>
        a.Codec == b.Codec && a.StreamType == b.StreamType && a.ProgramNumber == b.ProgramNumber
        && SameVideo(a.Video, b.Video) && SameAudio(a.Audio, b.Audio);

    /// <summary>The same codec announced again without its configuration (a PMT seen before the parameter sets).</summary>
    public static bool IsBareRepeat(TrackInfo known, TrackInfo track) =>
        track.Codec == known.Codec && track.Video is null && track.Audio is null && (known.Video is not null || known.Audio is not null);

    private static bool SameVideo(VideoConfig? a, VideoConfig? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Width == b.Width && a.Height == b.Height && a.ProfileIdc == b.ProfileIdc && a.LevelIdc == b.LevelIdc
              && a.Sps.AsSpan().SequenceEqual(b.Sps) && a.Pps.AsSpan().SequenceEqual(b.Pps) && a.Vps.AsSpan().SequenceEqual(b.Vps);

    private static bool SameAudio(AudioConfig? a, AudioConfig? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.SampleRate == b.SampleRate && a.Channels == b.Channels && a.AudioObjectType == b.AudioObjectType
              && a.AudioSpecificConfig.AsSpan().SequenceEqual(b.AudioSpecificConfig);
}
