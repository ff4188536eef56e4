using System.Net;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Protocols;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;

namespace Sluice.Host.Protocols;

/// <summary>
/// Owns the listener directives of the loaded protocol plugins (<c>rtmp PORT;</c>, <c>rtmps ADDR:PORT;</c>):
/// the host checks the address syntax and duplicates, the protocol checks the rest. Without a protocol
/// plugin the directives are not owned, so the validator warns that they are not supported.
/// </summary>
internal sealed class ProtocolListenersSection(IPluginContributions contributions) : IContributionsSection
{
    public IConfigSection For(IPluginContributions other) => ReferenceEquals(other, contributions) ? this : new ProtocolListenersSection(other);

    public IReadOnlyList<DirectiveSpec> Directives => contributions.All<IProtocolFactory>().SelectMany(Specs).ToArray();

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
    {
        var diag = context.Diagnostics;
        var factories = contributions.All<IProtocolFactory>();
        var listeners = new List<ListenerOptions>();
        var seen = new Dictionary<IPEndPoint, SourceLocation>();
        foreach (var d in directives)
        {
            var factory = factories.FirstOrDefault(f => Specs(f).Any(s => s.Name == d.Name));
            if (factory is null) continue;
            var address = d.Arguments[0];
            if (address.IsKeyValue)
            {
                diag.Error(address.Location, $"'{d.Name}' expects [ADDR:]PORT, got '{address.Text}'");
                continue;
            }
            if (!NetworkSyntax.TryParseListen(address.Value, out var endpoint, out var error))
            {
                diag.Error(address.Location, $"'{d.Name}' expects [ADDR:]PORT: {error}");
                continue;
            }
            if (seen.TryGetValue(endpoint, out var first))
            {
                diag.Error(address.Location, $"duplicate listener {endpoint} (first at {first})");
                continue;
            }
            seen[endpoint] = address.Location;
            var listener = new ListenerOptions(factory.Name, d.Name, endpoint, address.Value, address.Location, d.Block ?? [], d.Text);
            var reported = new DiagnosticList();
            try
            {
                factory.Validate(listener.Context(context.ConfigDirectory, reported, context.Services));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reported.Error(address.Location, $"{factory.Name} failed to check it: {e.GetType().Name}: {e.Message}");
            }
            foreach (var item in reported.Items)
            {
                if (item.Severity == DiagnosticSeverity.Error) diag.Error(item.Location, item.Message);
                else diag.Warning(item.Location, item.Message);
            }
            if (!reported.HasErrors) listeners.Add(listener);
        }
        return new ProtocolListenersOptions(new ValueList<ListenerOptions>(listeners));
    }

    private static IReadOnlyList<DirectiveSpec> Specs(IProtocolFactory factory)
    {
        try
        {
            return factory.Directives ?? [];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return []; // a broken plugin's directives are not owned: the validator reports them
        }
    }
}
