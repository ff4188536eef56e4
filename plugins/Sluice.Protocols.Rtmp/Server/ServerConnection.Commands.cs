using System.Net;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Streams;
using Sluice.Media.Amf;
using Sluice.Protocols.Rtmp.Commands;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Server;

/// <summary>The NetConnection and NetStream commands of a server connection (RTMP 1.0, 7.2).</summary>
internal sealed partial class ServerConnection
{
    private string _app = "";
    private string? _flashVer;
    private string? _pageUrl;
    private double _objectEncoding;
    private PublishSession? _publish;
    private PlaySession? _play;

    private async ValueTask HandleCommandAsync(uint streamId, Command command)
    {
        switch (command.Name)
        {
            case "connect":
                await ConnectAsync(command);
                break;
            case "createStream":
                await ResultAsync(command, null, (double)++_nextStreamId);
                break;
            case "releaseStream" or "FCPublish" or "FCSubscribe" or "getStreamLength" or "_checkbw":
                await ResultAsync(command, null, command.Name == "getStreamLength" ? 0.0 : AmfUndefined.Value);
                break;
            case "publish":
                await PublishAsync(streamId, command);
                break;
            case "play":
                await PlayAsync(streamId, command);
                break;
            case "FCUnpublish" or "closeStream" or "deleteStream":
                await EndStreamsAsync(command.Name);
                break;
            case "pause" or "receiveAudio" or "receiveVideo" or "seek" or "play2" or "_result" or "_error" or "onStatus":
                break; // live streams: nothing to do
            default:
                _log.LogDebug("{Protocol} client {Ip}: ignored command '{Command}'", Protocol, Ip, Sanitize(command.Name));
                if (command.TransactionId > 0)
                {
                    await _transport!.SendCommandAsync(0, "_error", command.TransactionId, null,
                        StatusObject("error", "NetConnection.Call.Failed", $"unknown command {Sanitize(command.Name)}"));
                }
                break;
        }
    }

    private async ValueTask ConnectAsync(Command command)
    {
        if (_connected) throw new RtmpProtocolException("a second 'connect'");
        var o = command.Object ?? new AmfObject();
        _app = o.String("app") ?? "";
        _flashVer = o.String("flashVer") ?? o.String("flashver");
        _pageUrl = o.String("pageUrl");
        _objectEncoding = o.Number("objectEncoding") ?? 0;
        _connected = true;
        await _transport!.SendConnectionSettingsAsync(server: true, _closed.Token);
        var properties = new AmfObject().Set("fmsVer", "FMS/3,5,7,7009").Set("capabilities", 31.0).Set("mode", 1.0);
        var info = StatusObject("status", Status.ConnectSuccess, "Connection succeeded.").Set("objectEncoding", _objectEncoding);
        if (o["fourCcList"] is object?[] fourCcs) info.Set("fourCcList", fourCcs.OfType<string>().Where(f => f is "hvc1" or "av01" or "avc1").ToArray<object?>());
        await _transport.SendCommandAsync(0, "_result", command.TransactionId, properties, info);
        _log.LogDebug("{Protocol} client {Ip} connected to app '{App}' ({Agent})", Protocol, Ip, Sanitize(_app), Sanitize(_flashVer ?? "?"));
    }

    private ValueTask ResultAsync(Command command, object? properties, object? value) =>
        command.TransactionId > 0 ? _transport!.SendCommandAsync(0, "_result", command.TransactionId, properties, value) : ValueTask.CompletedTask;

    private static AmfObject StatusObject(string level, string code, string description) =>
        new AmfObject().Set("level", level).Set("code", code).Set("description", description);

    private ValueTask StatusAsync(uint streamId, string level, string code, string description) =>
        _transport!.SendCommandAsync(streamId, "onStatus", 0.0, null, StatusObject(level, code, description));

    private async ValueTask PublishAsync(uint streamId, Command command)
    {
        var path = StreamPath.Of(_app, command.StringArgument(0) ?? "");
        if (_publish is not null || _play is not null) throw new RtmpProtocolException("'publish' on a connection that publishes or plays already");
        var name = path.Candidates().FirstOrDefault(c => _host.Streams.Find(c) is not null) ?? path.Candidates().FirstOrDefault();
        if (name is null)
        {
            await RefuseAsync(streamId, Status.PublishBadName, "publish", path, "no stream name");
            return;
        }
        var session = _host.Sessions?.TryOpen(SessionKind.Publish, name, Protocol, Ip, _flashVer);
        if (_host.Sessions is not null && session is null)
        {
            await RefuseAsync(streamId, "NetStream.Publish.Rejected", "publish", path, "max_sessions reached");
            return;
        }
        var decision = await AuthorizeAsync(AccessKind.Publish, name, path, session);
        if (!decision.Allowed)
        {
            session?.Dispose();
            await RefuseAsync(streamId, "NetStream.Publish.Rejected", "publish", path, decision.Reason ?? "not authorized");
            return;
        }
        var publisher = _host.Streams.Publish(name, new PublisherInfo(Ip, Protocol) { App = _app.Length == 0 ? null : StreamPath.Of(_app, "").App });
        if (publisher is null)
        {
            session?.Dispose();
            await RefuseAsync(streamId, Status.PublishBadName, "publish", path, "no 'live' prefix or 'publish://' stream allows it");
            return;
        }
        _publish = new PublishSession(this, publisher, session, _log);
        await StatusAsync(streamId, "status", Status.PublishStart, $"{name} is now published.");
        publisher.Connected();
        _log.LogInformation("{Protocol} client {Ip} publishes {Stream}", Protocol, Ip, name);
    }

    private async ValueTask PlayAsync(uint streamId, Command command)
    {
        var path = StreamPath.Of(_app, command.StringArgument(0) ?? "");
        if (_publish is not null || _play is not null) throw new RtmpProtocolException("'play' on a connection that publishes or plays already");
        if (_host.Locator is { } locator)
        {
            foreach (var candidate in path.Candidates())
            {
                if (locator.CapturedElsewhere(candidate) is not { } server) continue;
                await RedirectAsync(path, command.StringArgument(0) ?? "", server);
                return;
            }
        }
        IMediaStream? stream = null;
        foreach (var candidate in path.Candidates())
        {
            stream = _host.Streams.Find(candidate);
            if (stream is not null) break;
        }
        if (stream is null)
        {
            foreach (var candidate in path.Candidates())
            {
                stream = _host.Streams.OpenForViewer(candidate);
                if (stream is not null) break;
            }
        }
        if (stream is null)
        {
            await RefuseAsync(streamId, Status.PlayStreamNotFound, "play", path, "no such stream");
            return;
        }
        var session = _host.Sessions?.TryOpen(SessionKind.Play, stream.Name, Protocol, Ip, _flashVer);
        if (_host.Sessions is not null && session is null)
        {
            await RefuseAsync(streamId, Status.PlayFailed, "play", path, "max_sessions reached");
            return;
        }
        var decision = await AuthorizeAsync(AccessKind.Play, stream.Name, path, session);
        if (!decision.Allowed)
        {
            session?.Dispose();
            await RefuseAsync(streamId, Status.PlayFailed, "play", path, decision.Reason ?? "not authorized");
            return;
        }
        session?.Connected();
        await _transport!.SendLock.WaitAsync(_closed.Token);
        try
        {
            _transport.WriteMessage(ChunkStreams.Control, MessageType.UserControl, 0, 0, ControlMessages.UserControl(UserControlEvent.StreamBegin, streamId));
            _transport.WriteAmf(ChunkStreams.Command, MessageType.CommandAmf0, streamId, "onStatus", 0.0, null,
                StatusObject("status", Status.PlayReset, $"Playing and resetting {stream.Name}."));
            _transport.WriteAmf(ChunkStreams.Command, MessageType.CommandAmf0, streamId, "onStatus", 0.0, null,
                StatusObject("status", Status.PlayStart, $"Started playing {stream.Name}."));
            _transport.WriteAmf(ChunkStreams.Data, MessageType.DataAmf0, streamId, "|RtmpSampleAccess", true, true);
            await _transport.FlushAsync(_closed.Token);
        }
        finally
        {
            _transport.SendLock.Release();
        }
        _play = new PlaySession(this, _transport, stream, streamId, session, _log);
        _log.LogInformation("{Protocol} client {Ip} plays {Stream}", Protocol, Ip, stream.Name);
    }

    private async ValueTask<AccessDecision> AuthorizeAsync(AccessKind kind, string name, StreamPath path, ISession? session)
    {
        if (_host.Access is null) return AccessDecision.Allow;
        return await _host.Access.AuthorizeAsync(new AccessRequest
        {
            Kind = kind, Name = name, Protocol = Protocol, Ip = Ip, SessionId = session?.Id ?? Guid.NewGuid().ToString("N"),
            Query = path.Query, UserAgent = _flashVer, Referer = _pageUrl,
        }, _closed.Token);
    }

    /// <summary>
    /// A cluster stream captured on another server: the play is rejected with the redirect SRS and FMS clients
    /// follow (<c>NetConnection.Connect.Rejected</c>, <c>ex.code</c> 302, <c>ex.redirect</c> the tcUrl on that
    /// server, <c>ex.redirect2</c> the whole URL), then the connection closes. The servers of a group share
    /// their configuration, so that server listens on the port this client came to.
    /// </summary>
    private async ValueTask RedirectAsync(StreamPath path, string streamArgument, ClusterNode server)
    {
        var port = (_socket.LocalEndPoint as IPEndPoint)?.Port ?? 1935;
        var host = server.Host.Contains(':', StringComparison.Ordinal) ? "[" + server.Host + "]" : server.Host;
        var tcUrl = $"{Protocol}://{host}:{port}/{_app}";
        var url = tcUrl + "/" + streamArgument.TrimStart('/');
        _log.LogInformation("{Protocol} client {Ip}: {Stream} is captured on {Server}; play redirected there", Protocol, Ip, Sanitize(path.Display), server.Name);
        var info = StatusObject("error", Status.ConnectRejected, $"RTMP 302 Redirect to {Protocol}://{host}:{port}/{Sanitize(path.Display)}")
            .Set("ex", new AmfObject().Set("code", 302.0).Set("redirect", tcUrl).Set("redirect2", url));
        await _transport!.SendCommandAsync(0, "onStatus", 0.0, null, info); // on the NetConnection, as its code says
        throw new RtmpRefusedException();
    }

    /// <summary>Says no with an error status, logs why (the name without its query: no secret), and hangs up.</summary>
    private async ValueTask RefuseAsync(uint streamId, string code, string what, StreamPath path, string reason)
    {
        _log.LogWarning("{Protocol} client {Ip}: refused to {What} {Stream}: {Reason}", Protocol, Ip, what, Sanitize(path.Display), reason);
        await StatusAsync(streamId, "error", code, $"cannot {what} {Sanitize(path.Display)}: {reason}");
        throw new RtmpRefusedException();
    }

    /// <summary>Ends the publication and the play of this connection, if any.</summary>
    private async Task EndStreamsAsync(string reason)
    {
        var publish = Interlocked.Exchange(ref _publish, null);
        if (publish is not null) await publish.DisposeAsync();
        var play = Interlocked.Exchange(ref _play, null);
        if (play is not null) await play.DisposeAsync();
        if (publish is not null || play is not null) _log.LogDebug("{Protocol} client {Ip}: stream ended ({Reason})", Protocol, Ip, reason);
    }

    /// <summary>The publication this connection feeds was ended by the host (stopped, removed, taken over).</summary>
    internal void PublicationEnded() => Abort("the publication was ended by the server (stopped, removed or taken over)");

    /// <summary>The stream a player plays has stopped.</summary>
    internal void PlayEnded() => Abort("the stream stopped");
}

/// <summary>A refusal was sent: the connection ends without a further error in the log.</summary>
internal sealed class RtmpRefusedException() : IOException("refused");
