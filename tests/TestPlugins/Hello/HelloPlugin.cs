using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;

namespace Sluice.TestPlugins.Hello;

public sealed class HelloPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        plugin.LoggerFactory.CreateLogger("Hello").LogInformation("hello plugin configured");
        plugin.AddSinkType(new HelloSinkFactory())
            .AddConfigSection(new HelloSection())
            .AddRoutes(map => map.MapGet("/hello", () => Results.Text("hello from a plugin")))
            .AddService(new HelloService());
    }
}

public sealed class HelloSinkFactory : IEventSinkFactory
{
    public string Name => "hello";
    public string SpecForms => "hello://NAME";
    public bool Claims(string spec) => spec.StartsWith("hello://", StringComparison.Ordinal);
    public void Validate(SinkContext context) { }
    public IEventSink Create(SinkContext context) =>
        new HelloSink((ConcurrentQueue<string>)context.Services.GetService(typeof(ConcurrentQueue<string>))!, context.Spec);
}

internal sealed class HelloSink(ConcurrentQueue<string> delivered, string spec) : IEventSink
{
    public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var evt in batch) delivered.Enqueue($"{spec} {evt.Name}");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class HelloOptions
{
    public string Greeting { get; init; } = "hello";
}

public sealed class HelloSection : IConfigSection
{
    public IReadOnlyList<DirectiveSpec> Directives { get; } = [new DirectiveSpec("hello_greeting", "hello_greeting TEXT", 1, 1)];

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context) =>
        new HelloOptions { Greeting = directives.Count > 0 ? directives[^1].Arguments[0].Value : "hello" };
}

/// <summary>Holds a timer while running: stopping it is what lets the plugin unload.</summary>
public sealed class HelloService : IPluginService
{
    private Timer? _timer;
    public int Ticks;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new Timer(_ => Interlocked.Increment(ref Ticks), null, 0, 10);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null) await _timer.DisposeAsync();
        _timer = null;
    }
}
