using Microsoft.Extensions.Time.Testing;

namespace Sluice.Notify.Tests.Support;

/// <summary>A fake clock for the router, advanced by the test instead of sleeping.</summary>
internal static class Clock
{
    public static FakeTimeProvider New() => new(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Advances <paramref name="clock"/> by <paramref name="step"/> at a time until <paramref name="condition"/> holds
    /// (the loop under test may not have set its timer yet when the test first advances); fails past <paramref name="limit"/>
    /// of fake time or 10 s of real time.
    /// </summary>
    public static async Task AdvanceUntil(this FakeTimeProvider clock, Func<bool> condition, TimeSpan step, TimeSpan limit, string? what = null)
    {
        var start = clock.GetUtcNow();
        var deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            if (clock.GetUtcNow() - start >= limit || Environment.TickCount64 > deadline)
                Assert.Fail($"{what ?? "condition"} did not happen within {limit} of fake time (advanced {clock.GetUtcNow() - start})");
            clock.Advance(step);
            await Task.Delay(2);
        }
    }
}
