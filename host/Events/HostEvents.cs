using Sluice.Abstractions.Events;

namespace Sluice.Host.Events;

/// <summary>The events the host itself emits about its life: start, reload, listeners.</summary>
internal static class HostEvents
{
    public static void ServerStarted(this IEventEmitter emitter, string version) =>
        emitter.Emit(new EventDraft(EventNames.ServerStarted) { Fields = [new("version", version)] });

    public static void ConfigReloaded(this IEventEmitter emitter, string? path) =>
        emitter.Emit(new EventDraft(EventNames.ConfigReloaded) { Fields = [new("path", path ?? "(default)")] });

    /// <summary><paramref name="address"/> as configured, e.g. <c>0.0.0.0:8080</c>; protocol e.g. <c>http</c>.</summary>
    public static void ListenerStart(this IEventEmitter emitter, string address, string protocol) =>
        emitter.Emit(new EventDraft(EventNames.ListenerStart) { Fields = [new("address", address), new("protocol", protocol)] });

    public static void ListenerFailure(this IEventEmitter emitter, string address, string protocol, string error) =>
        emitter.Emit(new EventDraft(EventNames.ListenerFailure)
        {
            Fields = [new("address", address), new("protocol", protocol), new("error", error)],
        });
}
