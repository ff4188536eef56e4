using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Sdk.Tests.Support;
using Xunit.Abstractions;

namespace Sluice.Sdk.Tests;

/// <summary>
/// docs/plugins.md's walkthrough, done for real: templates instantiated outside the repo build, test
/// and publish against the packed Sluice.Abstractions (and Sluice.Media), and the published folder works
/// in the host. The source's part is in PluginAuthorWalkthroughTests.Source.cs.
/// One class, one shared workspace: the dotnet builds are slow and run once.
/// </summary>
public sealed partial class PluginAuthorWalkthroughTests(TemplateWorkspace workspace, ITestOutputHelper output) : IClassFixture<TemplateWorkspace>
{
    private static readonly TimeSpan EventsArriveWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public void Templates_Should_Pack_Install_And_Name_Everything_After_The_Project()
    {
        foreach (var step in workspace.Steps) output.WriteLine($"{step.Took.TotalSeconds,6:F1}s  exit {step.ExitCode}  {step.CommandLine}");

        AssertSucceeded(workspace.PackAbstractions, "pack Sluice.Abstractions");
        AssertSucceeded(workspace.PackMedia, "pack Sluice.Media");
        AssertSucceeded(workspace.PackTemplates, "pack the templates");
        AssertSucceeded(workspace.Install, "dotnet new install");
        AssertSucceeded(workspace.NewSink, "dotnet new sluice-sink");
        AssertSucceeded(workspace.NewPlugin, "dotnet new sluice-plugin");
        AssertSucceeded(workspace.NewSource, "dotnet new sluice-source");

        var sink = Path.Combine(workspace.SinkSolution, "Acme.Pager");
        Assert.True(File.Exists(Path.Combine(sink, "Acme.Pager.csproj")));
        Assert.True(File.Exists(Path.Combine(workspace.SinkSolution, "Acme.Pager.Tests", "Acme.Pager.Tests.csproj")));
        Assert.Contains("class PagerSinkFactory", File.ReadAllText(Path.Combine(sink, "PagerSinkFactory.cs")));
        Assert.Contains("\"pager://\"", File.ReadAllText(Path.Combine(sink, "PagerSinkOptions.cs")));
        Assert.Contains("\"hello_greeting\"", File.ReadAllText(Path.Combine(workspace.PluginSolution, "Acme.Hello", "HelloConfigSection.cs")));
        var source = Path.Combine(workspace.SourceSolution, "Acme.Ticker");
        Assert.True(File.Exists(Path.Combine(workspace.SourceSolution, "Acme.Ticker.Tests", "Acme.Ticker.Tests.csproj")));
        Assert.Contains("class TickerPlugin : ISluicePlugin", File.ReadAllText(Path.Combine(source, "TickerPlugin.cs")));
        Assert.Contains("class TickerSourceFactory : IMediaSourceFactory", File.ReadAllText(Path.Combine(source, "TickerSourceFactory.cs")));
        Assert.Contains("Scheme = \"ticker\"", File.ReadAllText(Path.Combine(source, "TickerSourceOptions.cs")));

        // Nothing of the template's placeholder names is left in what the author gets.
        var leftovers = Directory.EnumerateFiles(workspace.Work, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f).Contains("Template") || PlaceholderPattern().IsMatch(File.ReadAllText(f)))
            .ToList();
        Assert.Empty(leftovers);
    }

    [Fact]
    public void Generated_Sink_Should_Build_Against_The_Packed_Contracts_And_Pass_Its_Tests()
    {
        AssertSucceeded(workspace.BuildSink, "dotnet build Acme.Pager");
        AssertSucceeded(workspace.TestSink, "dotnet test Acme.Pager");
        AssertTestsRan(workspace.TestSink!);

        // The project compiled against the package from the local feed, not against the repo's source.
        var csproj = File.ReadAllText(Path.Combine(workspace.SinkSolution, "Acme.Pager", "Acme.Pager.csproj"));
        Assert.Contains("<PackageReference Include=\"Sluice.Abstractions\" Version=\"2.0.0\" ExcludeAssets=\"runtime\" />", csproj);
        Assert.DoesNotContain("ProjectReference", csproj);
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace.NuGetCache, "sluice.abstractions", "2.0.0", ".nupkg.metadata")));
        Assert.Equal(Path.GetFullPath(workspace.Feed).TrimEnd('/'), metadata.RootElement.GetProperty("source").GetString()!.TrimEnd('/'));
    }

    [Fact]
    public void Generated_Plugin_Should_Build_Against_The_Packed_Contracts_And_Pass_Its_Tests()
    {
        AssertSucceeded(workspace.BuildPlugin, "dotnet build Acme.Hello");
        AssertSucceeded(workspace.TestPlugin, "dotnet test Acme.Hello");
        AssertTestsRan(workspace.TestPlugin!);

        var output = Path.Combine(workspace.PluginSolution, "Acme.Hello", "bin", "Release", "net10.0");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plugin.json")));
        Assert.Equal("Acme.Hello", manifest.RootElement.GetProperty("name").GetString());
        Assert.False(File.Exists(Path.Combine(output, "Sluice.Abstractions.dll")), "the host provides the contracts");
    }

    [Fact]
    public void Published_Sink_Should_Be_Exactly_The_Folder_To_Drop_Into_Plugins_Dir()
    {
        AssertSucceeded(workspace.PublishSink, "dotnet publish Acme.Pager");

        var files = Directory.EnumerateFileSystemEntries(workspace.PublishedSink).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["Acme.Pager.deps.json", "Acme.Pager.dll", "Acme.Pager.pdb", "Acme.Pager.runtimeconfig.json", "plugin.json"], files);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace.PublishedSink, "plugin.json")));
        var m = manifest.RootElement;
        Assert.Equal("Acme.Pager", m.GetProperty("name").GetString());
        Assert.Equal("0.1.0", m.GetProperty("version").GetString());
        Assert.Contains("pager://PATH", m.GetProperty("description").GetString());
        Assert.Equal("Acme.Pager.dll", m.GetProperty("entryAssembly").GetString());
        Assert.Equal("2.0.0", m.GetProperty("abstractionsVersion").GetString());

        // The deps file must not ask for a private copy of the contracts either.
        Assert.DoesNotContain("Sluice.Abstractions.dll", File.ReadAllText(Path.Combine(workspace.PublishedSink, "Acme.Pager.deps.json")));
    }

    [Fact]
    public async Task Host_Should_Deliver_Events_To_A_Sink_Dropped_Into_Its_Plugins_Folder()
    {
        AssertSucceeded(workspace.PublishSink, "dotnet publish Acme.Pager");
        var folder = workspace.NewFolder("walkthrough");

        await using var host = await SluiceHost.StartAsync(folder,
            $"http 127.0.0.1:{{PORT}};\nplugins_dir {workspace.Plugins};\nnotify pager {{ sink pager://events.jsonl; }}\n");

        await PostEventAndExpectItAsync(host, Path.Combine(folder, "events.jsonl"));
    }

    [Fact]
    public async Task Host_Should_Run_The_Service_Of_A_Plugin_Dropped_Into_Its_Plugins_Folder_With_Its_Directive()
    {
        AssertSucceeded(workspace.PublishPlugin, "dotnet publish Acme.Hello");
        var folder = workspace.NewFolder("plugin-walkthrough");
        // The plugin's own directive (hello_greeting) is accepted only because the plugin is loaded.
        await using var host = await SluiceHost.StartAsync(folder,
            $"http 127.0.0.1:{{PORT}};\nplugins_dir {workspace.Plugins};\nhello_greeting \"hello from Acme\";\n");

        var deadline = DateTime.UtcNow + EventsArriveWithin;
        while (!host.Output.Contains("hello from Acme") && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.True(host.Output.Contains("hello from Acme"), $"the plugin's service did not log its greeting:\n{host.Output}");
    }

    [Fact]
    public async Task Host_Should_Take_A_Sink_Published_While_It_Runs_After_A_Config_Reload()
    {
        AssertSucceeded(workspace.BuildSink, "dotnet build Acme.Pager");
        var folder = workspace.NewFolder("hot-add");
        var plugins = Directory.CreateDirectory(Path.Combine(folder, "plugins")).FullName;
        var config = $"http 127.0.0.1:{{PORT}};\nplugins_dir {plugins};\n";

        await using var host = await SluiceHost.StartAsync(folder, config);

        // The author publishes into the running host's plugins folder, then declares the sink.
        var publish = await workspace.Dotnet.RunAsync(workspace.SinkSolution,
            ["publish", TemplateWorkspace.SinkName, "-c", "Release", "--no-build", "-o", Path.Combine(plugins, TemplateWorkspace.SinkName)]);
        AssertSucceeded(publish, "dotnet publish into the running host's plugins_dir");
        await host.RewriteConfigAsync(config + "notify pager { sink pager://events.jsonl; }\n");

        // Until the host has loaded the plugin, pager:// is an unknown sink and the reload is refused.
        var deadline = DateTime.UtcNow + EventsArriveWithin;
        HttpResponseMessage reload;
        while (!(reload = await host.Http.PostAsync("/api/v1/config/reload", null)).IsSuccessStatusCode && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.True(reload.IsSuccessStatusCode,
            $"reload answered {(int)reload.StatusCode}: {await reload.Content.ReadAsStringAsync()}\nhost output:\n{host.Output}");

        await PostEventAndExpectItAsync(host, Path.Combine(folder, "events.jsonl"));
    }

    private static async Task PostEventAndExpectItAsync(SluiceHost host, string eventsFile)
    {
        using var content = new StringContent("""[{"event":"sdk_test","media":"m1"}]""", Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync("/api/v1/events", content);
        Assert.True(response.IsSuccessStatusCode,
            $"POST /api/v1/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\nhost output:\n{host.Output}");

        var line = await WaitForLineAsync(eventsFile, "sdk_test", EventsArriveWithin);
        Assert.True(line is not null, $"no sdk_test event reached {eventsFile} within {EventsArriveWithin.TotalSeconds:F0}s\nhost output:\n{host.Output}");
        using var evt = JsonDocument.Parse(line);
        Assert.Equal("sdk_test", evt.RootElement.GetProperty("event").GetString());
        Assert.Equal("m1", evt.RootElement.GetProperty("media").GetString());
    }

    /// <summary>Polls (bounded) until the file has a line containing <paramref name="text"/>.</summary>
    private static async Task<string?> WaitForLineAsync(string path, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path))
            {
                // The sink keeps the file open for appending; read beside it.
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.Contains(text)) return line;
                }
            }
            await Task.Delay(100);
        }
        return null;
    }

    private static void AssertSucceeded(CommandResult? result, string step) =>
        Assert.True(result is { Succeeded: true },
            result?.Describe() ?? $"'{step}' did not run because a step it needs failed (see the other tests of this class).");

    private static void AssertTestsRan(CommandResult result)
    {
        var summary = TestSummaryPattern().Match(result.Output);
        Assert.True(summary.Success, "no test summary in:\n" + result.Describe());
        Assert.Equal("0", summary.Groups["failed"].Value);
        Assert.True(int.Parse(summary.Groups["passed"].Value) > 0, "the generated tests did not run:\n" + result.Describe());
    }

    [GeneratedRegex(@"Failed:\s+(?<failed>\d+), Passed:\s+(?<passed>\d+)")]
    private static partial Regex TestSummaryPattern();

    [GeneratedRegex("PluginTemplate|TemplateSink|TemplateSource|TemplatePlugin|templatesink|templatesource|templateplugin")]
    private static partial Regex PlaceholderPattern();
}
