using System.Reflection;
using System.Text.RegularExpressions;
using Sluice.Host.Events;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// Every event a component emits is in the catalog: the host's typed emitters take their names from
/// <see cref="EventNames"/> (each one a catalog row), no host source outside them writes an event name as a
/// literal, and every literal a plugin (or the host's synthetic bench) emits names a catalog event.
/// </summary>
public sealed partial class EmittedEventNamesTests
{
    /// <summary>A synthetic load generator, not a component: its events are checked against the catalog like a plugin's.</summary>
    private static readonly string[] LiteralsAllowedIn = ["host/Notify/NotifyBench.cs"];

    [GeneratedRegex("""new\s+EventDraft\(\s*"(?<name>[^"]*)"|\.Emit\(\s*"(?<name>[^"]*)"|EventDraft\s*\(\s*name\s*:\s*"(?<name>[^"]*)"|\bEmit\w*\(\s*"(?<name>[a-z_]+)"\s*[,)]""")]
    private static partial Regex EventNameLiteral();

    [Fact]
    public void Every_EventNames_constant_is_a_catalog_event()
    {
        var constants = typeof(EventNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();
        Assert.NotEmpty(constants);
        Assert.All(constants, name => Assert.True(EventCatalog.TryGet(name, out _), $"'{name}' is not in the catalog"));
    }

    [Fact]
    public void No_host_source_outside_the_typed_emitters_writes_an_event_name_literal()
    {
        var found = Literals("host").Where(l => !LiteralsAllowedIn.Contains(l.File)).ToArray();
        Assert.True(found.Length == 0, "event names written as literals (use EventNames through a typed emitter):\n"
            + string.Join("\n", found.Select(f => $"{f.File}: {f.Name}")));
    }

    [Fact]
    public void Every_event_name_a_plugin_or_the_host_emits_is_in_the_catalog()
    {
        var literals = Literals("plugins").Concat(Literals("host")).ToArray();
        Assert.Contains(literals, l => l.Name == "file_opened");   // the HLS plugin's VOD events: the scan sees plugins
        var unknown = literals.Where(l => !EventCatalog.TryGet(l.Name, out _)).ToArray();
        Assert.True(unknown.Length == 0, "emitted but not in the catalog (host/Events/EventCatalog.cs, docs/events.md):\n"
            + string.Join("\n", unknown.Select(f => $"{f.File}: {f.Name}")));
    }

    [Fact]
    public void The_scan_recognises_the_ways_an_event_is_emitted()
    {
        var samples = new[] { "e.Emit(new EventDraft(\"a_b\") { Media = m });", "_events?.Emit(new EventDraft( \"c\"));" };
        Assert.Equal(["a_b", "c"], samples.SelectMany(s => EventNameLiteral().Matches(s)).Select(m => m.Groups["name"].Value));
    }

    private static IEnumerable<(string File, string Name)> Literals(string folder)
    {
        var root = RepoPaths.Root;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/obj/") || relative.Contains("/bin/")) continue;
            foreach (Match m in EventNameLiteral().Matches(File.ReadAllText(file))) yield return (relative, m.Groups["name"].Value);
        }
    }
}
