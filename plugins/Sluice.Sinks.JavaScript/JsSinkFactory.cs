using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.JavaScript;

internal sealed class JsSinkFactory : IEventSinkFactory
{
    public string Name => "javascript";

    public string SpecForms => "PATH.js, PATH.mjs";

    public bool Claims(string spec) =>
        (spec.EndsWith(".js", StringComparison.OrdinalIgnoreCase) || spec.EndsWith(".mjs", StringComparison.OrdinalIgnoreCase))
        && !spec.Contains("://", StringComparison.Ordinal);

    public void Validate(SinkContext context) => JsSinkOptions.Bind(context, context.Diagnostics);

    /// <summary>The script's time limit plus room for what it sends (mail, HTTP), at least the default.</summary>
    public TimeSpan DeliveryTimeout(SinkContext context) =>
        TimeSpan.FromTicks(Math.Max(SinkDefaults.DeliveryTimeout.Ticks,
            ((JsSinkOptions.Bind(context, null)?.Timeout ?? JsSinkOptions.DefaultTimeout) + TimeSpan.FromSeconds(5)).Ticks));

    public IEventSink Create(SinkContext context) =>
        new JsSink(JsSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid JavaScript sink '{context.Spec}' (validate the configuration first)"), context);
}
