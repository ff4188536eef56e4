using Sluice.Abstractions.Events;
using Sluice.Host.Events;

namespace Sluice.Host.Cluster;

/// <summary>The cluster's own events (Sluice's, in the catalog): peers coming and going, a stream now captured here.</summary>
internal static class ClusterEvents
{
    public static void ClusterPeer(this IEventEmitter emitter, string peer, bool up) =>
        emitter.Emit(new EventDraft(up ? EventNames.ClusterPeerUp : EventNames.ClusterPeerDown) { Fields = [new("peer", peer)] });

    /// <summary><paramref name="from"/> is empty when the stream was captured nowhere known.</summary>
    public static void ClusterStreamMoved(this IEventEmitter emitter, string stream, string from, string to) =>
        emitter.Emit(new EventDraft(EventNames.ClusterStreamMoved) { Media = stream, Fields = [new("from", from), new("to", to)] });
}
