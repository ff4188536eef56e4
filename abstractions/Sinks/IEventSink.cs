using Sluice.Abstractions.Events;

namespace Sluice.Abstractions.Sinks;

/// <summary>
/// Delivers batches of events somewhere (an HTTP endpoint, a file, a script, a mailbox).
/// The router owns queues, batching, retries and resend: a sink only delivers the batch it is given
/// and throws when it could not (<see cref="SinkDeliveryException"/> or any other exception).
/// It is never called concurrently: the next batch comes after this one returned (a call that ignores its
/// cancellation past the block's delivery timeout gets its sink abandoned: the next batch goes to a new
/// sink, and the old one is disposed once that call returned).
/// The batch list is only valid during the call: the router reuses it for its next batch once the
/// call completed successfully, so a sink that keeps events after returning copies them.
/// </summary>
public interface IEventSink : IAsyncDisposable
{
    ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken);
}

/// <summary>
/// A delivery that failed in a way the sink can describe (non-2xx answer, script error at a line...).
/// The receiver's word on what to do next travels with it: <see cref="RetryAfter"/> (HTTP
/// <c>Retry-After</c>) delays the next attempt, <see cref="Gone"/> (HTTP 410) disables the block until
/// the next reload.
/// </summary>
public class SinkDeliveryException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>How long the receiver asked to wait before the next attempt, when it said so.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The receiver will never take these events (HTTP 410 Gone): retrying is pointless.</summary>
    public bool Gone { get; init; }
}
