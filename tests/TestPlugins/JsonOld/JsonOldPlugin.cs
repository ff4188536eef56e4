using System.Collections.Concurrent;
using Newtonsoft.Json;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.TestPlugins.JsonOld;

public sealed class JsonOldPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSinkType(new JsonSinkFactory());
}

/// <summary>Tells which Newtonsoft.Json it sees: its name is "json-old", its spec forms the version and file.</summary>
public sealed class JsonSinkFactory : IEventSinkFactory
{
    private static readonly System.Reflection.Assembly Json = typeof(JsonConvert).Assembly;

    public string Name => "json-old";
    public string SpecForms => $"{Json.GetName().Version}|{Json.Location}";
    public bool Claims(string spec) => spec == "json-old://";
    public void Validate(SinkContext context) { }
    public IEventSink Create(SinkContext context) =>
        new JsonSink((ConcurrentQueue<string>)context.Services.GetService(typeof(ConcurrentQueue<string>))!);
}

internal sealed class JsonSink(ConcurrentQueue<string> delivered) : IEventSink
{
    public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        delivered.Enqueue(JsonConvert.SerializeObject(new { json = typeof(JsonConvert).Assembly.GetName().Version!.ToString(), events = batch.Select(e => e.Name) }));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
