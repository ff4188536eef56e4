using System.Text;

namespace Sluice.Abstractions.Cluster;

/// <summary>
/// Highest-random-weight (rendezvous) hashing: every server that knows the same members picks the same
/// owner for a stream, streams spread evenly, and a member that joins or leaves moves only its own share.
/// The hash is fixed (FNV-1a, then a 64-bit mix), so processes and versions agree.
/// </summary>
public static class Rendezvous
{
    /// <summary>
    /// The owner of <paramref name="stream"/> among <paramref name="members"/> (names): its
    /// <c>capture_at</c> when that is a member (by name, or by host when one member has it), otherwise the
    /// member with the highest weight; null when there is none.
    /// </summary>
    public static string? Owner(ClusterStream stream, IReadOnlyCollection<string> members)
    {
        if (members.Count == 0) return null;
        if (stream.CaptureAt is { } preferred && Preferred(preferred, members) is { } found) return found;
        string? best = null;
        ulong bestWeight = 0;
        foreach (var m in members)
        {
            var w = Weight(stream.Name, m);
            if (best is null || w > bestWeight || (w == bestWeight && string.CompareOrdinal(m, best) < 0))
            {
                best = m;
                bestWeight = w;
            }
        }
        return best;
    }

    /// <summary>The member <c>capture_at=</c><paramref name="preferred"/> names: exactly, or by its host part.</summary>
    public static string? Preferred(string preferred, IReadOnlyCollection<string> members)
    {
        foreach (var m in members) if (m == preferred) return m;
        string? byHost = null;
        foreach (var m in members)
        {
            if (ClusterNode.Of(m).Host != preferred) continue;
            if (byHost is null || string.CompareOrdinal(m, byHost) < 0) byHost = m;
        }
        return byHost;
    }

    /// <summary>The weight of <paramref name="member"/> for <paramref name="stream"/>.</summary>
    public static ulong Weight(string stream, string member)
    {
        var h = 14695981039346656037UL;
        h = Fnv(h, stream);
        h = (h ^ 0xFF) * 1099511628211UL; // a separator no name holds
        h = Fnv(h, member);
        // splitmix64's finalizer: FNV alone clusters for names that differ in their last characters.
        h ^= h >> 30; h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27; h *= 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    private static ulong Fnv(ulong h, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes) h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
