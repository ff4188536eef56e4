using System.Numerics;

namespace Sluice.Host.Events;

/// <summary>
/// Event ids: a random prefix per process and a hex counter, e.g. <c>5f3a9c01-2a</c>: unique across
/// restarts and servers without coordination, and one small string per event.
/// </summary>
internal static class EventIds
{
    private static readonly string Prefix = Random.Shared.Next().ToString("x8");
    private static long _counter;

    public static string Next()
    {
        var n = (ulong)Interlocked.Increment(ref _counter);
        var digits = Math.Max(1, (64 - BitOperations.LeadingZeroCount(n) + 3) / 4);
        return string.Create(Prefix.Length + 1 + digits, n, static (span, n) =>
        {
            Prefix.AsSpan().CopyTo(span);
            span[Prefix.Length] = '-';
            n.TryFormat(span[(Prefix.Length + 1)..], out _, "x");
        });
    }
}
