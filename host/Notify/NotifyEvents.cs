using Sluice.Abstractions.Events;
using Sluice.Host.Events;

namespace Sluice.Host.Notify;

/// <summary>The router's own events about its blocks, each named by its catalog constant (<see cref="EventNames"/>).</summary>
internal static class NotifyEvents
{
    /// <summary>A 410 Gone disabled <paramref name="block"/> until the next reload.</summary>
    public static void NotifyDisabled(this IEventEmitter emitter, string block, string reason) =>
        emitter.Emit(new EventDraft(EventNames.NotifyDisabled) { Fields = [new("block", block), new("reason", reason)] });

    /// <summary>The spool of <paramref name="block"/> reached its SIZE and dropped <paramref name="dropped"/> oldest events.</summary>
    public static void NotifySpoolFull(this IEventEmitter emitter, string block, long dropped, long spoolBytes, long limitBytes) =>
        emitter.Emit(new EventDraft(EventNames.NotifySpoolFull)
        {
            Fields = [new("block", block), new("dropped", dropped), new("spool_bytes", spoolBytes), new("limit_bytes", limitBytes)],
        });
}
