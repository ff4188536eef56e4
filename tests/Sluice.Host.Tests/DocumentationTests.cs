using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Host.Configuration;
using Sluice.Host.Events;
using Sluice.Host.Notify;
using Sluice.Host.Streams;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>What README.md and docs/ claim holds: their examples pass `sluice check`, the reference names what the parser takes.</summary>
public sealed class DocumentationTests
{
    private static string Doc(string relative) => File.ReadAllText(Path.Combine(RepoPaths.Root, relative));

    /// <summary>The first ``` block after the heading.</summary>
    private static string CodeBlockAfter(string markdown, string heading)
    {
        var at = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no heading '{heading}'");
        var start = markdown.IndexOf("```", at, StringComparison.Ordinal);
        start = markdown.IndexOf('\n', start) + 1;
        var end = markdown.IndexOf("```", start, StringComparison.Ordinal);
        return markdown[start..end];
    }

    [Fact]
    public async Task The_language_example_of_configuration_md_passes_sluice_check()
    {
        var dir = Directory.CreateTempSubdirectory("sluice-docs-").FullName;
        try
        {
            var path = Path.Combine(dir, "example.conf");
            await File.WriteAllTextAsync(path, CodeBlockAfter(Doc("docs/configuration.md"), "## The language"));
            var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
            Assert.True(code == 0, stderr);
            Assert.Contains($"{path}: ok", stdout);
            Assert.DoesNotContain(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.Contains(": warning: "));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_configuration_reference_names_every_spelling_the_parser_accepts()
    {
        var reference = Doc("docs/configuration.md");
        string[] spellings =
        [
            .. new NotifyConfigSection().Directives.Select(d => d.Name),
            "sink", "url", "verbose", "level", "only", "except", "buffer", "sign_key", "resend_notifications_limit",
            "resend_notifications_timeout", "to", "from", "via", "subject", "template",
            .. EventLevels.All,
            .. new CoreConfigSection().Directives.Select(d => d.Name),
            .. new StreamsConfigSection(Sluice.Host.Plugins.NoContributions.Instance).Directives.SelectMany(d => (d.Children ?? []).Select(c => c.Name).Prepend(d.Name)),
        ];
        var missing = spellings.Distinct().Where(s => !reference.Contains($"`{s}", StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, "docs/configuration.md does not name: " + string.Join(", ", missing));
        Assert.Contains(InjectedEventParser.MaxEvents.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " events", reference);
    }

    [Fact]
    public void Usage_strings_say_DURATION_where_a_duration_is_taken()
    {
        IEnumerable<DirectiveSpec> All(IEnumerable<DirectiveSpec> specs) => specs.SelectMany(s => All(s.Children ?? []).Prepend(s));
        var specs = All(new IConfigSection[] { new CoreConfigSection(), new NotifyConfigSection(), new StreamsConfigSection(Sluice.Host.Plugins.NoContributions.Instance) }.SelectMany(s => s.Directives));
        Assert.DoesNotContain(specs, s => s.Usage.Contains("SECONDS", StringComparison.Ordinal));
        foreach (var doc in new[] { "README.md", "docs/configuration.md", "docs/notify.md", "docs/streams.md" })
            Assert.DoesNotContain("_timeout SECONDS", Doc(doc));
    }
}
