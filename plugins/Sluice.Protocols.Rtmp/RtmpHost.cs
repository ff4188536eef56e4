using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp;

/// <summary>What the plugin's parts use of the host: streams, sessions, authorization, events, clock, logs, limits.</summary>
internal sealed record RtmpHost(IStreamRegistry Streams, ISessionTracker? Sessions, IAccessAuthorizer? Access, IEventEmitter? Events,
    TimeProvider Time, ILoggerFactory Loggers)
{
    public RtmpLimits Limits { get; init; } = RtmpLimits.Default;

    /// <summary>Where a cluster stream is captured (null: no cluster): plays of a stream captured elsewhere are redirected.</summary>
    public IStreamLocator? Locator { get; init; }

    /// <summary>Frames a player may fall behind before it skips to the next keyframe (about 10 s of 25 fps video with audio).</summary>
    public int PlayQueueFrames { get; init; } = 512;

    /// <summary>How long a write to a peer may block before the peer counts as gone.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static RtmpHost From(IServiceProvider services, TimeProvider time, ILoggerFactory? loggers) => new(
        services.GetService(typeof(IStreamRegistry)) as IStreamRegistry ?? throw new InvalidOperationException("the host offers no stream registry (IStreamRegistry)"),
        services.GetService(typeof(ISessionTracker)) as ISessionTracker,
        services.GetService(typeof(IAccessAuthorizer)) as IAccessAuthorizer,
        services.GetService(typeof(IEventEmitter)) as IEventEmitter,
        time,
        loggers ?? NullLoggerFactory.Instance)
    {
        Locator = services.GetService(typeof(IStreamLocator)) as IStreamLocator,
    };
}
