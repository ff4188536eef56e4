using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>
/// Feeds the frames of a transport stream file (demuxed once with TsDemuxer) into a stream at real
/// time pace, looping with continuous timestamps, like a live source.
/// </summary>
internal sealed class LoopingPlayer : IAsyncDisposable
{
    private readonly List<MediaFrame> _frames = [];
    private readonly List<TrackInfo> _tracks = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private LoopingPlayer(string file)
    {
        using var demuxer = new TsDemuxer(new Collector(this));
        demuxer.Feed(File.ReadAllBytes(file));
        demuxer.Flush();
        foreach (var track in demuxer.Tracks) _tracks.Add(track);
        _frames.Sort((a, b) => a.Dts.CompareTo(b.Dts));
    }

    public static LoopingPlayer Start(string file, IFrameSink target)
    {
        var player = new LoopingPlayer(file);
        player._loop = Task.Run(() => player.RunAsync(target, player._stop.Token));
        return player;
    }

    private async Task RunAsync(IFrameSink target, CancellationToken stop)
    {
        foreach (var track in _tracks) target.OnTrack(track);
        var first = _frames[0].Dts;
        var period = _frames[^1].Dts - first + 3600;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (long loop = 0; !stop.IsCancellationRequested; loop++)
        {
            foreach (var frame in _frames)
            {
                var offset = loop * period;
                var due = TimeSpan.FromSeconds((frame.Dts - first + offset) / 90_000.0);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    try { await Task.Delay(wait, stop); } catch (OperationCanceledException) { return; }
                }
                target.OnFrame(new MediaFrame(frame.TrackId, frame.Codec, frame.Dts + offset, frame.Pts + offset, frame.Flags, frame.Payload));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        foreach (var frame in _frames) frame.Release();
        _frames.Clear();
        _stop.Dispose();
    }

    private sealed class Collector(LoopingPlayer player) : IFrameSink
    {
        public void OnTrack(TrackInfo track) { }

        public void OnFrame(in MediaFrame frame) => player._frames.Add(frame.Retain());
    }
}
