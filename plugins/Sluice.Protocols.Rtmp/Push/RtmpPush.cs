using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Rtmp.Client;
using Sluice.Protocols.Rtmp.Media;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Push;

/// <summary>
/// One <c>push</c> directive: for each run of its stream a loop that connects, publishes and sends the
/// stream as it comes (from the last keyframe), and after any failure waits (1 s, doubling to 30 s; back
/// to 1 s after a push that lasted a minute) and tries again, until the run ends. Events:
/// <c>push_opened</c>, <c>push_connected</c>, <c>push_started</c>, <c>push_closed</c> (with the reason).
/// </summary>
internal sealed class RtmpPush : IStreamFeature
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(30), Healthy = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly RtmpHost _host;
    private readonly ILogger _log;
    private volatile Target _target;

    private sealed record Target(RtmpUrl Url, X509Certificate2Collection? Trust);

    public RtmpPush(RtmpUrl url, X509Certificate2Collection? trust, RtmpHost host, ILogger log)
    {
        _target = new Target(url, trust);
        _host = host;
        _log = log;
    }

    public IAsyncDisposable Attach(IMediaStream stream) => new Run(this, stream);

    public bool TryReconfigure(StreamFeatureContext context) => false; // another target: a new feature

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Emit(string name, IMediaStream stream, string url, string? reason = null)
    {
        _host.Events?.Emit(new EventDraft(name)
        {
            Media = stream.Name,
            Fields = reason is null ? [new EventField("url", url)] : [new EventField("url", url), new EventField("reason", reason)],
        });
    }

    /// <summary>The push loop of one run of the stream.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly RtmpPush _push;
        private readonly IMediaStream _stream;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Run(RtmpPush push, IMediaStream stream)
        {
            _push = push;
            _stream = stream;
            _loop = Task.Run(() => LoopAsync(_stop.Token));
        }

        private async Task LoopAsync(CancellationToken stop)
        {
            var backoff = FirstBackoff;
            while (!stop.IsCancellationRequested)
            {
                var target = _push._target;
                var started = _push._host.Time.GetTimestamp();
                _push.Emit("push_opened", _stream, target.Url.Display);
                string reason;
                try
                {
                    reason = await PushOnceAsync(target, stop);
                }
                catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
                {
                    reason = "stopped";
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    reason = e is OperationCanceledException ? "timeout" : Sluice.Abstractions.Configuration.SecretText.Redact(e.Message);
                }
                _push.Emit("push_closed", _stream, target.Url.Display, reason);
                if (stop.IsCancellationRequested) return;
                if (_push._host.Time.GetElapsedTime(started) >= Healthy) backoff = FirstBackoff;
                _push._log.LogWarning("push of {Stream} to {Url} ended: {Reason}; again in {Delay} s", _stream.Name, target.Url.Display, reason, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, _push._host.Time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }

        /// <summary>One connection: returns why it ended (or throws).</summary>
        private async Task<string> PushOnceAsync(Target target, CancellationToken stop)
        {
            RtmpClient client;
            uint id;
            using (var connecting = new CancellationTokenSource(ConnectTimeout, _push._host.Time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, connecting.Token))
            {
                client = await RtmpClient.ConnectAsync(target.Url, _push._host.Limits, target.Trust, linked.Token);
                try
                {
                    id = await client.CreateStreamAsync(forPublishing: true, linked.Token);
                    await client.PublishAsync(id, linked.Token);
                }
                catch
                {
                    await client.DisposeAsync();
                    throw;
                }
            }
            await using var _ = client;
            using var abort = stop.Register(static c => ((RtmpClient)c!).Abort(), client);
            _push.Emit("push_connected", _stream, target.Url.Display);
            _push._log.LogInformation("pushing {Stream} to {Url}", _stream.Name, target.Url.Display);
            // The other side talks too (acknowledgements, pings, status): read it, and stop on an error status or EOF.
            var reading = DrainAsync(client, stop);
            await using var reader = _stream.Subscribe(new StreamReaderOptions
            {
                Capacity = _push._host.PlayQueueFrames, FromLastKeyframe = true, KeepsStreamAlive = false,
            });
            var writer = new FlvPlayWriter(client.Transport, id);
            var announced = false;
            var frames = reader.Frames;
            try
            {
                while (true)
                {
                    var ready = frames.WaitToReadAsync(stop).AsTask();
                    if (await Task.WhenAny(ready, reading) == reading) return await reading;
                    if (!await ready) return "the stream stopped";
                    await client.Transport.SendLock.WaitAsync(stop);
                    try
                    {
                        while (writer.Pending < 256 << 10 && frames.TryRead(out var frame))
                        {
                            try
                            {
                                if (writer.Write(frame, reader.Tracks) && !announced)
                                {
                                    announced = true;
                                    _push.Emit("push_started", _stream, target.Url.Display);
                                }
                            }
                            finally
                            {
                                frame.Release();
                            }
                        }
                        writer.Done();
                        await client.Transport.FlushAsync(stop);
                    }
                    finally
                    {
                        client.Transport.SendLock.Release();
                    }
                }
            }
            finally
            {
                writer.Release();
                client.Abort();
                try { await reading; } catch (Exception e) when (e is not OutOfMemoryException) { }
            }
        }

        private static async Task<string> DrainAsync(RtmpClient client, CancellationToken stop)
        {
            while (await client.ReadAsync(stop) is { } message)
            {
                if (message.Type is not (MessageType.CommandAmf0 or MessageType.CommandAmf3)) continue;
                var command = Commands.Command.Parse(message.Type, message.Payload.Span);
                if (command.Name == "onStatus" && command.ObjectArgument(0) is { } status && status.String("level") == "error")
                    return $"{status.String("code")}: {status.String("description")}";
            }
            return "the server closed the connection";
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            try { await _loop.WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { _push._log.LogWarning("push of {Stream}: the loop did not stop in time", _stream.Name); }
            _stop.Dispose();
        }
    }
}
