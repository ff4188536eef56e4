using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Thumbnails;

/// <summary>
/// The <c>thumbnails</c> directive of one block: for each run of each of its streams, a reader that never
/// keeps an on-demand stream alive and that looks at video keyframes only; once per interval the next
/// keyframe is copied and decoded off the reading loop, the JPEG stored and <c>stream_jpeg</c> emitted.
/// </summary>
internal sealed class ThumbnailsFeature : IStreamFeature
{
    private readonly object _gate = new();
    private readonly HashSet<string> _streams = new(StringComparer.Ordinal);
    private readonly ThumbnailStore _store;
    private readonly JpegDecoder _decoder;
    private readonly IEventEmitter? _events;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private volatile ThumbnailOptions _options;

    public ThumbnailsFeature(ThumbnailOptions options, ThumbnailStore store, JpegDecoder decoder, IEventEmitter? events, TimeProvider time, ILogger log)
    {
        _options = options;
        _store = store;
        _decoder = decoder;
        _events = events;
        _time = time;
        _log = log;
    }

    public IAsyncDisposable Attach(IMediaStream stream)
    {
        lock (_gate) _streams.Add(stream.Name);
        return new Run(this, stream);
    }

    public bool TryReconfigure(Abstractions.Streams.StreamFeatureContext context)
    {
        if (ThumbnailOptions.Bind(context.Directive, context.Diagnostics) is not { } next) return false;
        _options = next;
        return true;
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var s in _streams) _store.Forget(s);
            _streams.Clear();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>One run of one stream.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly ThumbnailsFeature _feature;
        private readonly IMediaStream _stream;
        private readonly IStreamReader _reader;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private Task _decoding = Task.CompletedTask;
        private DateTimeOffset _due;
        private bool _failing;

        public Run(ThumbnailsFeature feature, IMediaStream stream)
        {
            _feature = feature;
            _stream = stream;
            // Few frames buffered: only keyframes matter, and a full buffer skips to the next one anyway.
            _reader = stream.Subscribe(new StreamReaderOptions { Capacity = 256, FromLastKeyframe = true, KeepsStreamAlive = false });
            _loop = Task.Run(ReadAsync);
        }

        private async Task ReadAsync()
        {
            try
            {
                while (await _reader.Frames.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
                {
                    while (_reader.Frames.TryRead(out var frame))
                    {
                        try { Consider(frame); }
                        finally { frame.Release(); }
                    }
                }
            }
            catch (OperationCanceledException) { }
        }

        private void Consider(in MediaFrame frame)
        {
            if (!frame.IsKeyframe || frame.Kind != MediaKind.Video || frame.Codec is not (CodecId.H264 or CodecId.H265)) return;
            var now = _feature._time.GetUtcNow();
            if (now < _due || !_decoding.IsCompleted) return;
            var trackId = frame.TrackId;
            var track = _reader.Tracks.FirstOrDefault(t => t.TrackId == trackId);
            var keyframe = WithParameterSets(frame, track?.Video);
            var options = _feature._options;
            _due = now + options.Interval;
            _decoding = DecodeAsync(keyframe, frame.Codec == CodecId.H265, frame.Pts, options);
        }

        private async Task DecodeAsync(byte[] keyframe, bool hevc, long pts, ThumbnailOptions options)
        {
            try
            {
                var jpeg = await _feature._decoder.TryDecodeAsync(keyframe, hevc, options.Width, _stop.Token).ConfigureAwait(false);
                if (jpeg is null)
                {
                    _due = default; // every slot busy: try the next keyframe
                    return;
                }
                var (width, height) = JpegSize.Of(jpeg);
                _feature._store.Put(_stream.Name, new Thumbnail(jpeg, _feature._time.GetUtcNow(), pts, width, height));
                if (_failing) _feature._log.LogInformation("thumbnails of {Stream}: decoding works again", _stream.Name);
                _failing = false;
                _feature._events?.Emit(new EventDraft("stream_jpeg")
                {
                    Media = _stream.Name,
                    Fields = [new("url", $"/{_stream.Name}/preview.jpg"), new("size", jpeg.Length), new("width", width), new("height", height)],
                });
            }
            catch (OperationCanceledException) { }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Once per state change, not per keyframe.
                if (!_failing) _feature._log.LogWarning("thumbnails of {Stream}: decoding a keyframe failed: {Error}", _stream.Name, e.Message);
                _failing = true;
            }
        }

        /// <summary>The keyframe with its track's parameter sets in front (a decoder starting cold needs them; repeats are harmless).</summary>
        private static byte[] WithParameterSets(in MediaFrame frame, VideoConfig? video)
        {
            ReadOnlySpan<byte> start = [0, 0, 0, 1];
            var sets = video is null ? [] : new[] { video.Vps, video.Sps, video.Pps }.Where(s => s.Length > 0).ToArray();
            var buffer = new byte[sets.Sum(s => s.Length + 4) + frame.Data.Length];
            var at = 0;
            foreach (var set in sets)
            {
                start.CopyTo(buffer.AsSpan(at));
                set.CopyTo(buffer.AsSpan(at + 4));
                at += set.Length + 4;
            }
            frame.Data.CopyTo(buffer.AsSpan(at));
            return buffer;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _reader.DisposeAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            await _decoding.ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
