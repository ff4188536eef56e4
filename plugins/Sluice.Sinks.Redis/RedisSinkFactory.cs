using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Redis;

internal sealed class RedisSinkFactory : IEventSinkFactory
{
    public string Name => "redis";

    public string SpecForms => "redis://[[USER]:PASS@]HOST[:PORT]/STREAM";

    public bool Claims(string spec) => spec.StartsWith("redis://", StringComparison.OrdinalIgnoreCase);

    public void Validate(SinkContext context) => RedisSinkOptions.Bind(context, context.Diagnostics);

    /// <summary>The sink's own <c>timeout</c> plus room to report it.</summary>
    public TimeSpan DeliveryTimeout(SinkContext context) =>
        (RedisSinkOptions.Bind(context, null)?.Timeout ?? RedisSinkOptions.DefaultTimeout) + TimeSpan.FromSeconds(5);

    public IEventSink Create(SinkContext context) =>
        new RedisSink(RedisSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid redis sink '{context.Spec}' (validate the configuration first)"), context.BlockName);
}
