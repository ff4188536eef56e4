using Sluice.Abstractions.Configuration;

namespace Sluice.PluginTemplate.Plugin;

/// <summary>
/// Owns the top-level directive <c>templateplugin_greeting TEXT [every=DURATION];</c>. The host checks its
/// shape (argument count, no block, written once); this binds its meaning and reports every problem
/// at the place it was written.
/// </summary>
internal sealed class TemplatePluginConfigSection : IConfigSection
{
    public const string GreetingDirective = "templateplugin_greeting";

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
    [
        new(GreetingDirective, GreetingDirective + " TEXT [every=DURATION]", MinArgs: 1, MaxArgs: 2) { Repeatable = false },
    ];

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
    {
        var options = TemplatePluginOptions.Default;
        foreach (var directive in directives)
        {
            options = BindGreeting(directive, context.Diagnostics) ?? options;
        }
        return options;
    }

    private static TemplatePluginOptions? BindGreeting(ConfigDirective directive, IConfigDiagnostics diagnostics)
    {
        string? greeting = null;
        TimeSpan? every = null;
        var ok = true;
        foreach (var argument in directive.Arguments)
        {
            switch (argument.Key)
            {
                case null when greeting is null:
                    greeting = argument.Value;
                    break;
                case null:
                    diagnostics.Error(argument.Location, $"'{directive.Name}' takes one text; quote it if it has spaces: {directive.Name} \"{greeting} {argument.Value}\"");
                    ok = false;
                    break;
                case "every" when ConfigValues.TryParseDuration(argument.Value, out var period) && period > TimeSpan.Zero:
                    every = period;
                    break;
                case "every":
                    diagnostics.Error(argument.Location, $"'{directive.Name}' every= expects a duration such as 500ms, 30s, 5m, got '{argument.Value}'");
                    ok = false;
                    break;
                default:
                    diagnostics.Error(argument.Location, $"'{directive.Name}' has no option '{argument.Key}' (it knows: every)");
                    ok = false;
                    break;
            }
        }
        if (string.IsNullOrWhiteSpace(greeting))
        {
            diagnostics.Error(directive.Location, $"'{directive.Name}' expects a greeting text: {directive.Name} TEXT [every=DURATION];");
            ok = false;
        }
        return ok ? new TemplatePluginOptions(greeting!, every) : null;
    }
}
