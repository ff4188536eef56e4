using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;
using Sluice.Abstractions.Sinks;

namespace Sluice.Testing;

/// <summary>
/// Contexts as the host builds them from a configuration, for factory tests: options become located
/// directives (in a file named <c>test.conf</c>, one line each), diagnostics are collected.
/// </summary>
public static class TestContexts
{
    public const string File = "test.conf";

    /// <summary>Directives <c>name value...;</c>, located on lines 2, 3, ... of <see cref="File"/>.</summary>
    public static IReadOnlyList<ConfigDirective> Options(params (string Name, string Value)[] options) =>
        options.Select((o, i) =>
        {
            var at = new SourceLocation(File, i + 2, 3);
            var args = o.Value.Length == 0 ? [] : o.Value.Split(' ').Select((v, j) => new ConfigArgument(null, [v], false, at with { Column = 4 + o.Name.Length + j })).ToArray();
            return new ConfigDirective(o.Name, args, null, at);
        }).ToArray();

    /// <summary>The context of a notify block <c>notify NAME { sink SPEC; OPTIONS }</c>.</summary>
    public static SinkContext Sink(string spec, DiagnosticList? diagnostics = null, string block = "test",
        string? configDirectory = null, params (string Name, string Value)[] options) => new()
    {
        BlockName = block,
        Spec = spec,
        Location = new SourceLocation(File, 1, 8),
        Options = Options(options),
        Diagnostics = diagnostics ?? new DiagnosticList(),
        ConfigDirectory = configDirectory ?? Directory.GetCurrentDirectory(),
    };

    /// <summary>The context of <c>stream NAME { input URL key=value...; }</c>.</summary>
    public static SourceContext Source(string url, DiagnosticList? diagnostics = null, string stream = "test",
        string? configDirectory = null, TimeProvider? time = null, params (string Key, string Value)[] options)
    {
        var at = new SourceLocation(File, 1, 7);
        return new SourceContext
        {
            StreamName = stream,
            Url = new Uri(url),
            Spec = url,
            Location = at,
            Options = options.Select((o, i) =>
            {
                var optionAt = at with { Column = 8 + url.Length + i * 8 };
                return new ConfigDirective(o.Key, [new ConfigArgument(null, [o.Value], false, optionAt)], null, optionAt);
            }).ToArray(),
            Diagnostics = diagnostics ?? new DiagnosticList(),
            ConfigDirectory = configDirectory ?? Directory.GetCurrentDirectory(),
            Time = time ?? TimeProvider.System,
        };
    }

    /// <summary>
    /// The context of one stream directive, e.g. <c>dvr archive 2d 500G</c>, written on line 2 of <see cref="File"/>
    /// inside <c>stream STREAM { }</c> (or the block kind given): each word is an argument at its own column,
    /// <c>key=value</c> words are key/value arguments.
    /// </summary>
    public static StreamFeatureContext StreamFeature(string directive, string stream = "test", StreamBlockKind block = StreamBlockKind.Stream,
        DiagnosticList? diagnostics = null, string? configDirectory = null, IServiceProvider? services = null, TimeProvider? time = null)
    {
        var words = directive.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = new SourceLocation(File, 2, 3);
        var column = 3 + words[0].Length + 1;
        var args = new List<ConfigArgument>();
        foreach (var word in words.Skip(1))
        {
            var eq = word.IndexOf('=');
            args.Add(eq > 0
                ? new ConfigArgument(word[..eq], word[(eq + 1)..].Split(','), false, at with { Column = column })
                : new ConfigArgument(null, [word], false, at with { Column = column }));
            column += word.Length + 1;
        }
        var d = new ConfigDirective(words[0], args, null, at);
        return new StreamFeatureContext
        {
            StreamName = stream,
            Block = block,
            Directive = d,
            Spec = string.Join(" ", args.Select(a => a.Text)),
            Location = at,
            Diagnostics = diagnostics ?? new DiagnosticList(),
            ConfigDirectory = configDirectory ?? Directory.GetCurrentDirectory(),
            Services = services ?? Abstractions.Plugins.EmptyServiceProvider.Instance,
            Time = time ?? TimeProvider.System,
        };
    }
}
