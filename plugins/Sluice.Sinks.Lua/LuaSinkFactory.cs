using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Lua;

internal sealed class LuaSinkFactory : IEventSinkFactory
{
    public string Name => "lua";

    public string SpecForms => "PATH.lua";

    public bool Claims(string spec) =>
        spec.EndsWith(".lua", StringComparison.OrdinalIgnoreCase) && !spec.Contains("://", StringComparison.Ordinal);

    public void Validate(SinkContext context) => LuaSinkOptions.Bind(context, context.Diagnostics);

    /// <summary>The script's time limit plus room for what it sends (mail, HTTP), at least the default.</summary>
    public TimeSpan DeliveryTimeout(SinkContext context) =>
        TimeSpan.FromTicks(Math.Max(SinkDefaults.DeliveryTimeout.Ticks,
            ((LuaSinkOptions.Bind(context, null)?.Timeout ?? LuaSinkOptions.DefaultTimeout) + TimeSpan.FromSeconds(5)).Ticks));

    public IEventSink Create(SinkContext context)
    {
        return new LuaSink(LuaSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid Lua sink '{context.Spec}' (validate the configuration first)"), context);
    }
}
