using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.TestPlugins.NativeLua;

/// <summary>
/// A sink type <c>native-lua://SCRIPT</c> that runs SCRIPT through NLua and the native liblua54 the plugin
/// carries, and records the result (in the host service <c>ConcurrentQueue&lt;string&gt;</c>) per batch.
/// </summary>
public sealed class NativeLuaPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        // Touches NLua right away, so a plugin folder missing it fails at load, not at first use.
        var nlua = typeof(NLua.Lua).Assembly.GetName();
        plugin.LoggerFactory.CreateLogger("NativeLua").LogInformation("using {Name} {Version}", nlua.Name, nlua.Version);
        plugin.AddSinkType(new NativeLuaSinkFactory());
    }
}

internal sealed class NativeLuaSinkFactory : IEventSinkFactory
{
    private const string Scheme = "native-lua://";

    public string Name => "native-lua";
    public string SpecForms => Scheme + "SCRIPT";
    public bool Claims(string spec) => spec.StartsWith(Scheme, StringComparison.Ordinal);
    public void Validate(SinkContext context) { }

    public IEventSink Create(SinkContext context) =>
        new NativeLuaSink(context.Spec[Scheme.Length..], (ConcurrentQueue<string>)context.Services.GetService(typeof(ConcurrentQueue<string>))!);
}

internal sealed class NativeLuaSink(string script, ConcurrentQueue<string> results) : IEventSink
{
    public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        using var lua = new NLua.Lua();
        results.Enqueue(Convert.ToString(lua.DoString(script)[0], System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
