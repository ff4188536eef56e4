using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Nats;

internal sealed class NatsSinkFactory : IEventSinkFactory
{
    public string Name => "nats";

    public string SpecForms => "nats://[USER:PASS@|TOKEN@]HOST[:PORT]/SUBJECT";

    public bool Claims(string spec) => spec.StartsWith("nats://", StringComparison.OrdinalIgnoreCase);

    public void Validate(SinkContext context) => NatsSinkOptions.Bind(context, context.Diagnostics);

    /// <summary>The sink's own <c>timeout</c> plus room to report it.</summary>
    public TimeSpan DeliveryTimeout(SinkContext context) =>
        (NatsSinkOptions.Bind(context, null)?.Timeout ?? NatsSinkOptions.DefaultTimeout) + TimeSpan.FromSeconds(5);

    public IEventSink Create(SinkContext context) =>
        new NatsSink(NatsSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid nats sink '{context.Spec}' (validate the configuration first)"), context.BlockName);
}
