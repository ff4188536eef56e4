using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;

namespace Sluice.Host.Hosting;

/// <summary>
/// Which parts of a configuration need a plugin: those that no longer validate when the configuration
/// is bound again without it (its sink type, source scheme, directive... whatever it contributes),
/// named by the top-level block that holds each error, as written: <c>notify pager at sluice.conf:12</c>.
/// </summary>
internal static class PluginUsage
{
    public static IReadOnlyList<string> UsersOf(SluiceConfiguration configuration, IPluginContributions remaining, IServiceProvider services)
    {
        var result = new ConfigLoader(remaining.All<IConfigSection>(), new WithContributions(services, remaining)).Rebind(configuration);
        if (result.Succeeded) return [];
        return result.Errors.Select(e => Name(configuration.Directives, e)).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary><c>notify pager at FILE:LINE</c> for the top-level directive holding the error, else the error's FILE:LINE.</summary>
    private static string Name(IReadOnlyList<ConfigDirective> tree, Diagnostic error)
    {
        var holder = tree.FirstOrDefault(d => Holds(d, error.Location, exact: true))
            ?? tree.FirstOrDefault(d => Holds(d, error.Location, exact: false));
        // The message is left out: it may quote a spec with credentials.
        if (holder is null) return $"the configuration at {error.Location.File}:{error.Location.Line}";
        // A block's argument names it (notify pager, stream cam); a plain directive's is a value.
        var name = holder.HasBlock && holder.Positional.FirstOrDefault() is { } first ? $"{holder.Name} {first.Text}" : holder.Name;
        return $"{name} at {holder.Location.File}:{holder.Location.Line}";
    }

    private static bool Holds(ConfigDirective d, SourceLocation at, bool exact) =>
        Same(d.Location, at, exact)
        || d.Arguments.Any(a => Same(a.Location, at, exact))
        || (d.Block?.Any(c => Holds(c, at, exact)) ?? false);

    private static bool Same(SourceLocation a, SourceLocation b, bool exact) =>
        a.File == b.File && a.Line == b.Line && (!exact || a.Column == b.Column);

    /// <summary>The host's services, except that sections binding through it see only <c>remaining</c>.</summary>
    private sealed class WithContributions(IServiceProvider inner, IPluginContributions remaining) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IPluginContributions) ? remaining : inner.GetService(serviceType);
    }
}
