namespace Sluice.Host.Cluster;

/// <summary>
/// Whether the request being served came from another server of the group (it presented the right
/// <c>cluster_key</c>). Such a request never starts a pull from an origin, so two servers that name each
/// other in <c>source</c> cannot pull a missing stream from each other in a loop.
/// </summary>
internal static class PeerRequest
{
    private static readonly AsyncLocal<bool> Flag = new();

    public static bool Current => Flag.Value;

    public static void Mark() => Flag.Value = true;
}
