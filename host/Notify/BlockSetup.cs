using Sluice.Abstractions.Sinks;

namespace Sluice.Host.Notify;

/// <summary>
/// What a block's delivery loop delivers with: swapped between batches on reload or plugin swap.
/// <see cref="DeliveryTimeout"/> is what the sink type declared for this block; <see cref="CreateSink"/>
/// makes another sink like <see cref="Sink"/> (for one that ignored its cancellation and was abandoned).
/// </summary>
internal sealed record BlockSetup(NotifyBlockOptions Options, IEventSink Sink, IEventSinkFactory Factory, TimeSpan DeliveryTimeout,
    Func<IEventSink> CreateSink);
