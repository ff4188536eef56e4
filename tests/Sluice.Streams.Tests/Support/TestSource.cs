using System.Collections.Concurrent;
using Sluice.Abstractions.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Streams.Tests.Support;

internal enum SourceMode { Normal, Silent, Fail, End }

/// <summary>What the test makes one <c>test://HOST</c> input do; changes take effect within a frame interval.</summary>
internal sealed class SourceControl
{
    public volatile SourceMode Mode = SourceMode.Normal;
    /// <summary>Throws an IOException when cancelled, as a source whose socket is closed under it.</summary>
    public volatile bool ThrowOnCancel;
    public int Attempts;
    public int Running;
}

/// <summary>
/// The <c>test://</c> source: H.264 640x360 at one frame per <see cref="FrameInterval"/> (keyframe every
/// 10th) plus one AAC 48 kHz frame per video frame, with 90 kHz timestamps that keep growing.
/// </summary>
internal sealed class TestSourceFactory(string scheme = "test") : IMediaSourceFactory
{
    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(10);

    public static readonly TrackInfo Video = new()
    {
        TrackId = 256, Codec = CodecId.H264,
        Video = new VideoConfig { Width = 640, Height = 360, ProfileName = "High", ProfileIdc = 100, LevelIdc = 30 },
    };

    public static readonly TrackInfo Audio = new()
    {
        TrackId = 257, Codec = CodecId.Aac,
        Audio = new AudioConfig { SampleRate = 48000, Channels = 2, SamplesPerFrame = 1024, AudioObjectType = 2 },
    };

    private readonly ConcurrentDictionary<string, SourceControl> _controls = new();

    public string Name => scheme;

    public IReadOnlyList<string> Schemes { get; } = [scheme];

    /// <summary>The control of <c>test://HOST</c>, or of <c>file:///.../NAME</c> by its file name.</summary>
    public SourceControl this[string host] => _controls.GetOrAdd(host, _ => new SourceControl());

    public void Validate(SourceContext context)
    {
        if (context.Option("bad") is { } bad) context.Diagnostics.Error(bad.Location, $"bad option value '{bad.Arguments[0].Value}'");
    }

    public IMediaSource Create(SourceContext context) =>
        new TestSource(this[context.Url.Host.Length > 0 ? context.Url.Host : Path.GetFileName(context.Url.LocalPath)]);

    private sealed class TestSource(SourceControl control) : IMediaSource
    {
        public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref control.Attempts);
            Interlocked.Increment(ref control.Running);
            try
            {
                if (control.Mode == SourceMode.Fail) throw new IOException("test source refused");
                output.Connected();
                output.OnTrack(Video);
                output.OnTrack(Audio);
                var n = 0L;
                while (true)
                {
                    await Task.Delay(FrameInterval, cancellationToken);
                    switch (control.Mode)
                    {
                        case SourceMode.Fail: throw new IOException("test source broke");
                        case SourceMode.End: return;
                        case SourceMode.Silent: continue;
                    }
                    Frames.Write(output, n++);
                }
            }
            catch (OperationCanceledException) when (control.ThrowOnCancel)
            {
                throw new IOException("socket closed");
            }
            finally
            {
                Interlocked.Decrement(ref control.Running);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Synthetic frames: frame n of video (keyframe when n % 10 == 0) then one AAC frame.</summary>
internal static class Frames
{
    public const long Start = 126_000; // 1.4 s, as ffmpeg-made streams start

    public static void Write(IFrameSink sink, long n, int payloadBytes = 200)
    {
        var dts = Start + n * 3600; // 25 fps in 90 kHz ticks
        Span<byte> data = stackalloc byte[payloadBytes];
        data.Clear();
        data[3] = 1;
        data[4] = (byte)(n % 10 == 0 ? 0x65 : 0x41); // IDR or non-IDR slice NAL header
        var video = RentedBuffer.CopyOf(data);
        try
        {
            sink.OnFrame(new MediaFrame(256, CodecId.H264, dts, dts + 3600, n % 10 == 0 ? FrameFlags.Keyframe : FrameFlags.None, video));
        }
        finally { video.Release(); }
        var audio = RentedBuffer.CopyOf(data[..64]);
        try
        {
            sink.OnFrame(new MediaFrame(257, CodecId.Aac, dts, dts, FrameFlags.Keyframe, audio));
        }
        finally { audio.Release(); }
    }
}
