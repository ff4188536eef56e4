namespace Sluice.Host.Api.Answers;

/// <summary>A track of a stream's media info.</summary>
internal sealed record TrackAnswer(int Id, string Codec, string Kind);

internal sealed record MediaInfoAnswer(
    string? VideoCodec, int Width, int Height, string? AudioCodec, int SampleRate, int Channels, IReadOnlyList<TrackAnswer> Tracks);

/// <summary>A stream of <c>GET /api/v1/streams</c> and <c>GET /api/v1/streams/NAME</c>: <c>kind</c> stream, ondemand or published.</summary>
internal sealed record StreamAnswer(
    string Name, string? Title, string Kind, string State, string? Input, MediaInfoAnswer MediaInfo, long BitrateKbps,
    int Viewers, int Readers, double UptimeS, long DroppedFrames);

/// <summary><c>GET /api/v1/streams</c>.</summary>
internal sealed record StreamsAnswer(IReadOnlyList<StreamAnswer> Streams, int Sessions, int? MaxSessions);

/// <summary><c>POST /api/v1/streams/NAME/stop</c>.</summary>
internal sealed record StoppedAnswer(string Stopped);
