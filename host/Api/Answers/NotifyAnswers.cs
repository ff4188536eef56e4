namespace Sluice.Host.Api.Answers;

/// <summary>One notify block of <c>GET /api/v1/notify</c> (written by NotifyApi; this type documents it).</summary>
internal sealed record NotifyBlockAnswer(
    string Name, string Sink, string SinkType, long Queued, long Delivered, long DeliveredBatches, long FailedBatches,
    long Dropped, long InResendBuffer, string? LastError, long? LastErrorUtcMs);

/// <summary><c>GET /api/v1/notify</c>.</summary>
internal sealed record NotifyAnswer(IReadOnlyList<NotifyBlockAnswer> Handlers);
