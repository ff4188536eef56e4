namespace Sluice.Abstractions.Access;

/// <summary>
/// Decides whether a client may play or publish a stream, the same way for every protocol (RTMP, HLS,
/// MPEG-TS over HTTP, DVR playback): the block's <c>password</c>, the <c>on_publish</c> / <c>on_play</c>
/// authorization backends, <c>auth_token</c>. A host service (<see cref="Plugins.IPluginBuilder.HostServices"/>);
/// protocols ask it once per session, never per request or frame.
/// </summary>
public interface IAccessAuthorizer
{
    ValueTask<AccessDecision> AuthorizeAsync(AccessRequest request, CancellationToken cancellationToken);
}

public enum AccessKind { Play, Publish }

/// <summary>What a protocol knows about a client asking for a stream.</summary>
public sealed record AccessRequest
{
    public required AccessKind Kind { get; init; }

    /// <summary>The stream's name as asked (<c>live/cam1</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The protocol: <c>rtmp</c>, <c>hls</c>, <c>mpegts</c>, <c>dvr</c>...</summary>
    public required string Protocol { get; init; }

    /// <summary>The client's address.</summary>
    public required string Ip { get; init; }

    /// <summary>The session this request opens (what <c>on_play</c> is told as <c>session_id</c>).</summary>
    public required string SessionId { get; init; }

    /// <summary>The query string the client sent, without the leading <c>?</c> (empty when none).</summary>
    public string Query { get; init; } = "";

    public string? UserAgent { get; init; }

    public string? Referer { get; init; }
}

/// <summary>The answer: allowed, or refused with a reason for the log (never shown with secrets).</summary>
public readonly record struct AccessDecision(bool Allowed, string? Reason = null)
{
    public static readonly AccessDecision Allow = new(true);

    public static AccessDecision Deny(string reason) => new(false, reason);
}
