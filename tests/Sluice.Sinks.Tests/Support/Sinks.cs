using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Tests.Support;

/// <summary>Builds sink contexts and events the way the router would hand them over.</summary>
internal static class Sinks
{
    private static int _line;

    /// <summary>An option line of the notify block, e.g. <c>Opt("to", "admin@x")</c>.</summary>
    public static ConfigDirective Opt(string name, params string[] values)
    {
        var line = Interlocked.Increment(ref _line);
        var location = new SourceLocation("test.conf", line, 5);
        return new ConfigDirective(name, values.Select((v, i) => new ConfigArgument(null, [v], false, location with { Column = 6 + name.Length + i })).ToList(), null, location);
    }

    public static SinkContext Context(string spec, string configDirectory, IEnumerable<ConfigDirective>? options = null,
        string? signKey = null, ILogger? logger = null) => new()
    {
        BlockName = "test_block",
        Spec = spec,
        Location = new SourceLocation("test.conf", 2, 10),
        Options = (options ?? []).ToList(),
        SignKeys = signKey is null ? [] : [signKey],
        ConfigDirectory = configDirectory,
        ServerName = "streamer1.test",
        Logger = logger ?? NullLogger.Instance,
    };

    private static long _id;

    public static SluiceEvent Event(string name, string? media = null, params EventField[] fields) =>
        new(name, $"ev{Interlocked.Increment(ref _id)}", 1_795_255_200_123 + _id, "streamer1.test", EventLevel.Warning, media, null, fields);

    public static IReadOnlyList<SluiceEvent> Batch(params SluiceEvent[] events) => events;

    /// <summary>Validates <paramref name="context"/> as the host does, collecting what the sink type reports.</summary>
    public static DiagnosticList Validate(IEventSinkFactory factory, SinkContext context)
    {
        var diagnostics = new DiagnosticList();
        factory.Validate(new SinkContext
        {
            BlockName = context.BlockName, Spec = context.Spec, Location = context.Location, Options = context.Options,
            SignKeys = context.SignKeys, ConfigDirectory = context.ConfigDirectory, ServerName = context.ServerName,
            Logger = context.Logger, Diagnostics = diagnostics,
        });
        return diagnostics;
    }
}
