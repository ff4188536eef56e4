namespace Sluice.Sdk.Tests.Support;

/// <summary>
/// Does the slow part of the plugin author's path once for all tests: packs Sluice.Abstractions,
/// Sluice.Media, Sluice.Testing and the templates into a temporary folder, installs the templates into a private template
/// store, instantiates <c>sluice-sink -n Acme.Pager</c>, <c>sluice-source -n Acme.Ticker</c> and
/// <c>sluice-plugin -n Acme.Hello</c> there, builds and tests them against the packed packages and
/// publishes the sink and the source into a plugins folder.
/// Each step's result is kept for the tests to assert on; a failed step skips the ones that need it.
/// </summary>
public sealed class TemplateWorkspace : IAsyncLifetime
{
    public const string SinkName = "Acme.Pager";
    public const string PluginName = "Acme.Hello";
    public const string SourceName = "Acme.Ticker";

    public string Root { get; } = Directory.CreateTempSubdirectory("sluice-sdk-").FullName;

    /// <summary>The local feed holding the freshly packed Sluice.Abstractions, Sluice.Media and Sluice.Testing.</summary>
    public string Feed => Path.Combine(Root, "feed");

    public string Work => Path.Combine(Root, "work");

    /// <summary>A plugins_dir: the sink is published into Plugins/Acme.Pager, the source into Plugins/Acme.Ticker.</summary>
    public string Plugins => Path.Combine(Root, "plugins");

    public string SinkSolution => Path.Combine(Work, SinkName);

    public string PluginSolution => Path.Combine(Work, PluginName);

    public string SourceSolution => Path.Combine(Work, SourceName);

    public string PublishedSink => Path.Combine(Plugins, SinkName);

    public string PublishedSource => Path.Combine(Plugins, SourceName);

    public string PublishedPlugin => Path.Combine(Plugins, PluginName);

    /// <summary>The private NuGet cache: kept between runs for speed, minus anything Sluice built earlier.</summary>
    public string NuGetCache { get; } = Path.Combine(AppContext.BaseDirectory, "sdk-nuget-cache");

    public string RestoreFromFeed => "-p:RestoreAdditionalProjectSources=" + Feed;

    internal DotnetCommand Dotnet { get; private set; } = null!;

    internal CommandResult? PackAbstractions { get; private set; }
    internal CommandResult? PackMedia { get; private set; }
    internal CommandResult? PackTesting { get; private set; }
    internal CommandResult? PackTemplates { get; private set; }
    internal CommandResult? Install { get; private set; }
    internal CommandResult? NewSink { get; private set; }
    internal CommandResult? NewPlugin { get; private set; }
    internal CommandResult? NewSource { get; private set; }
    internal CommandResult? BuildSink { get; private set; }
    internal CommandResult? TestSink { get; private set; }
    internal CommandResult? PublishSink { get; private set; }
    internal CommandResult? BuildPlugin { get; private set; }
    internal CommandResult? TestPlugin { get; private set; }
    internal CommandResult? PublishPlugin { get; private set; }
    internal CommandResult? BuildSource { get; private set; }
    internal CommandResult? TestSource { get; private set; }
    internal CommandResult? PublishSource { get; private set; }

    /// <summary>Every step that ran, in order.</summary>
    internal IReadOnlyList<CommandResult> Steps => new[]
    {
        PackAbstractions, PackMedia, PackTesting, PackTemplates, Install, NewSink, NewPlugin, NewSource, BuildSink, TestSink, PublishSink,
        BuildPlugin, TestPlugin, PublishPlugin, BuildSource, TestSource, PublishSource,
    }.OfType<CommandResult>().ToList();

    public async Task InitializeAsync()
    {
        // A stale Sluice.Abstractions, Sluice.Media or Sluice.Testing in the cache would hide the one packed now.
        foreach (var stale in new[] { "sluice.abstractions", "sluice.media", "sluice.testing", "sluice.templates" })
        {
            var folder = Path.Combine(NuGetCache, stale);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(Work);
        Directory.CreateDirectory(Plugins);
        Dotnet = new DotnetCommand(NuGetCache);
        // A private template store: the machine's installed templates stay untouched.
        var hive = Path.Combine(Root, "hive");
        var templatesFeed = Path.Combine(Root, "templates");

        // The host built these tests' configuration, contracts included: pack that build as is.
        PackAbstractions = await Run(Root, "pack", RepoPaths.Abstractions, "-c", RepoPaths.Configuration, "--no-build", "-o", Feed);
        if (!PackAbstractions.Succeeded) return;
        PackMedia = await Run(Root, "pack", RepoPaths.Media, "-c", RepoPaths.Configuration, "--no-build", "-o", Feed);
        if (!PackMedia.Succeeded) return;
        PackTesting = await Run(Root, "pack", RepoPaths.Testing, "-c", RepoPaths.Configuration, "--no-build", "-o", Feed);
        if (!PackTesting.Succeeded) return;
        PackTemplates = await Run(Root, "pack", RepoPaths.Templates, "-c", RepoPaths.Configuration, "-o", templatesFeed);
        if (!PackTemplates.Succeeded) return;
        var package = Directory.GetFiles(templatesFeed, "Sluice.Templates.*.nupkg").Single();
        Install = await Run(Root, "new", "install", package, "--debug:custom-hive", hive);
        if (!Install.Succeeded) return;

        NewSink = await Run(Work, "new", "sluice-sink", "-n", SinkName, "-o", SinkSolution, "--debug:custom-hive", hive);
        NewPlugin = await Run(Work, "new", "sluice-plugin", "-n", PluginName, "-o", PluginSolution, "--debug:custom-hive", hive);
        NewSource = await Run(Work, "new", "sluice-source", "-n", SourceName, "-o", SourceSolution, "--debug:custom-hive", hive);

        // The templates are independent: build and test them side by side.
        await Task.WhenAll(SinkAsync(), PluginAsync(), SourceAsync());
    }

    private async Task SinkAsync()
    {
        if (NewSink is not { Succeeded: true }) return;
        BuildSink = await Run(SinkSolution, "build", "-c", "Release", RestoreFromFeed);
        if (!BuildSink.Succeeded) return;
        TestSink = await Run(SinkSolution, "test", "-c", "Release", "--no-build");
        // The exact command the guide gives: publish straight into a plugins_dir.
        PublishSink = await Run(SinkSolution, "publish", SinkName, "-c", "Release", "-o", PublishedSink, RestoreFromFeed);
    }

    private async Task PluginAsync()
    {
        if (NewPlugin is not { Succeeded: true }) return;
        BuildPlugin = await Run(PluginSolution, "build", "-c", "Release", RestoreFromFeed);
        if (!BuildPlugin.Succeeded) return;
        TestPlugin = await Run(PluginSolution, "test", "-c", "Release", "--no-build");
        PublishPlugin = await Run(PluginSolution, "publish", PluginName, "-c", "Release", "-o", PublishedPlugin, RestoreFromFeed);
    }

    private async Task SourceAsync()
    {
        if (NewSource is not { Succeeded: true }) return;
        BuildSource = await Run(SourceSolution, "build", "-c", "Release", RestoreFromFeed);
        if (!BuildSource.Succeeded) return;
        TestSource = await Run(SourceSolution, "test", "-c", "Release", "--no-build");
        PublishSource = await Run(SourceSolution, "publish", SourceName, "-c", "Release", "-o", PublishedSource, RestoreFromFeed);
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { } // a host the OS is still tearing down may hold a file; the temp folder is cleaned later
        return Task.CompletedTask;
    }

    /// <summary>A fresh folder inside the workspace.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    private Task<CommandResult> Run(string workingDirectory, params string[] arguments) =>
        Dotnet.RunAsync(workingDirectory, arguments);
}
