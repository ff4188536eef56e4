using Sluice.Abstractions.Events;
using Sluice.Abstractions.Frames;

namespace Sluice.Host.Streams;

/// <summary>The flat summary of a stream's tracks that <c>stream_media_info</c> and the API report.</summary>
internal readonly record struct MediaInfo(string? VideoCodec, int Width, int Height, string? AudioCodec, int SampleRate, int Channels, int TrackCount)
{
    public static MediaInfo Of(IReadOnlyList<TrackInfo> tracks)
    {
        var video = tracks.FirstOrDefault(t => t.Kind == MediaKind.Video);
        var audio = tracks.FirstOrDefault(t => t.Kind == MediaKind.Audio);
        return new MediaInfo(
            video is null ? null : CodecFacts.NameOf(video.Codec), video?.Video?.Width ?? 0, video?.Video?.Height ?? 0,
            audio is null ? null : CodecFacts.NameOf(audio.Codec), audio?.Audio?.SampleRate ?? 0, audio?.Audio?.Channels ?? 0,
            tracks.Count);
    }

    public EventField[] ToFields() =>
    [
        new("video_codec", VideoCodec), new("width", Width), new("height", Height),
        new("audio_codec", AudioCodec), new("sample_rate", SampleRate), new("channels", Channels), new("tracks", TrackCount),
    ];
}
