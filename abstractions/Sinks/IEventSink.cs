using Sluice.Abstractions.Events;

namespace Sluice.Abstractions.Sinks;

/// <summary>
/// Delivers batches of events somewhere (an HTTP endpoint, a file, a script, a mailbox).
/// The router owns queues, batching, retries and resend: a sink only delivers the batch it is given
/// and throws when it could not (<see cref="SinkDeliveryException"/> or any other exception).
/// It is never called concurrently: the next batch comes after this one returned.
/// The batch list is only valid during the call: the router reuses it for its next batch once the
/// call completed successfully, so a sink that keeps events after returning copies them.
/// </summary>
public interface IEventSink : IAsyncDisposable
{
    ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken);
}

/// <summary>A delivery that failed in a way the sink can describe (non-2xx answer, script error at a line...).</summary>
public class SinkDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
