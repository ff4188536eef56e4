using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Lua;

internal sealed class LuaSinkFactory : IEventSinkFactory
{
    public string Name => "lua";

    public string SpecForms => "PATH.lua";

    public bool Claims(string spec) =>
        spec.EndsWith(".lua", StringComparison.OrdinalIgnoreCase) && !spec.Contains("://", StringComparison.Ordinal);

    public void Validate(SinkContext context, IConfigDiagnostics diagnostics) => LuaSinkOptions.Bind(context, diagnostics);

    public IEventSink Create(SinkContext context)
    {
        return new LuaSink(LuaSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid Lua sink '{context.Spec}' (validate the configuration first)"), context);
    }
}
