using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Media.Flv;
using Sluice.Protocols.Rtmp.Media;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Server;

/// <summary>
/// A player: its own reader of the stream (from the last keyframe: the GOP cache gives a picture at
/// once), a loop that writes what is queued as FLV tags, batch by batch, one flush per batch. The
/// reader's queue is bounded: a player that cannot keep up skips to the next keyframe in the host
/// (counted as dropped frames of the stream), and never slows the stream or other players.
/// </summary>
internal sealed class PlaySession : IAsyncDisposable
{
    private const int BatchBytes = 256 << 10;

    private readonly ServerConnection _connection;
    private readonly RtmpTransport _transport;
    private readonly IStreamReader _reader;
    private readonly IDisposable _viewer;
    private readonly ISession? _session;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public PlaySession(ServerConnection connection, RtmpTransport transport, IMediaStream stream, uint streamId, ISession? session, ILogger log)
    {
        _connection = connection;
        _transport = transport;
        _session = session;
        _viewer = stream.AddViewer();
        _reader = stream.Subscribe(new StreamReaderOptions { Capacity = connection.PlayQueueFrames, FromLastKeyframe = true });
        var writer = new FlvPlayWriter(transport, streamId);
        _pump = Task.Run(() => PumpAsync(writer, log, stream.Name));
    }

    private async Task PumpAsync(FlvPlayWriter writer, ILogger log, string name)
    {
        var frames = _reader.Frames;
        try
        {
            while (await frames.WaitToReadAsync(_stop.Token))
            {
                var before = _transport.BytesWritten;
                await _transport.SendLock.WaitAsync(_stop.Token);
                try
                {
                    while (writer.Pending < BatchBytes && frames.TryRead(out var frame))
                    {
                        try
                        {
                            if (writer.Write(frame, _reader.Tracks)) _session?.Started();
                        }
                        finally
                        {
                            frame.Release();
                        }
                    }
                    writer.Done();
                    await _transport.FlushAsync(_stop.Token);
                }
                finally
                {
                    _transport.SendLock.Release();
                }
                _session?.AddBytes(_transport.BytesWritten - before);
            }
            log.LogInformation("{Stream} stopped: ending its RTMP player {Ip}", name, _connection.Ip);
            _connection.PlayEnded();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            if (!_stop.IsCancellationRequested) _connection.Abort("could not write to the player: " + e.Message);
        }
        finally
        {
            writer.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _pump.ConfigureAwait(false);
        await _reader.DisposeAsync();
        _viewer.Dispose();
        _session?.Dispose();
        _stop.Dispose();
    }
}
