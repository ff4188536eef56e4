using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Configuration.Tests;

public class LoaderTests
{
    /// <summary>A plugin-like section with a block whose children are checked by spec.</summary>
    private sealed class StreamSection : IConfigSection
    {
        public List<IReadOnlyList<ConfigDirective>> Calls { get; } = [];

        public IReadOnlyList<DirectiveSpec> Directives { get; } =
        [
            new("stream", "stream NAME { input URL; ... }", 1, 1, BlockUse.Required,
            [
                new("input", "input URL", 1, 1),
                new("title", "title TEXT", 1, 1) { Repeatable = false },
            ]),
        ];

        public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
        {
            Calls.Add(directives);
            return new StreamNames(directives.Select(d => d.Arguments[0].Value).ToArray());
        }
    }

    private sealed record StreamNames(string[] Names);

    private sealed class ThrowingSection : IConfigSection
    {
        public IReadOnlyList<DirectiveSpec> Directives { get; } = [new("broken_plugin", "broken_plugin X", 1, 1)];

        public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context) =>
            throw new InvalidOperationException("plugin bug");
    }

    [Fact]
    public void Load_Should_BindSectionsInFileOrder_AndStripIgnoredChildren()
    {
        var streams = new StreamSection();
        var result = TestConfig.LoadCore("stream b { input x://1; dvr /s 2d; }\nhttp 80;\nstream a { input y://2; title T; }", streams);
        Assert.True(result.Succeeded, result.Format());
        Assert.Equal(["t.conf:1:25: warning: 'dvr' in 'stream' is not supported by this build; ignored"], TestConfig.Lines(result));
        var call = Assert.Single(streams.Calls);
        Assert.Equal(["stream b { input x://1; }", "stream a { input y://2; title T; }"], call.Select(d => d.Text));
        Assert.Equal(["b", "a"], result.Configuration!.Get<StreamNames>()!.Names);
        // The configuration keeps the tree as written.
        Assert.Equal("stream b { input x://1; dvr /s 2d; }", result.Configuration.Directives[0].Text);
    }

    [Fact]
    public void Load_Should_CallEverySection_WithEmptyList_WhenItsDirectivesAreAbsent()
    {
        var streams = new StreamSection();
        var result = TestConfig.LoadCore("http 80;", streams);
        Assert.True(result.Succeeded);
        Assert.Empty(Assert.Single(streams.Calls));
        Assert.NotNull(result.Configuration!.Get<CoreOptions>());
    }

    [Fact]
    public void Load_Should_CheckChildren_WithDidYouMean()
    {
        var result = TestConfig.LoadCore("stream a {\n  inptu x://1;\n  title a;\n  title b;\n  sign_key k;\n}\nstream;", new StreamSection());
        Assert.Equal(
        [
            "t.conf:2:3: unknown directive 'inptu' in 'stream'; did you mean 'input'?",
            "t.conf:4:3: 'title' may appear only once (first at 3:3)",
            "t.conf:5:3: 'sign_key' is a security directive and is not supported by this build; refusing to ignore it",
            "t.conf:7:1: 'stream' expects 1 argument: stream NAME { input URL; ... }",
            "t.conf:7:1: 'stream' requires a block: stream NAME { input URL; ... }",
        ], TestConfig.Lines(result));
    }

    [Fact]
    public void Load_Should_IsolateSectionThatThrows_AndStillBindOthers()
    {
        var streams = new StreamSection();
        var result = new ConfigLoader([new CoreConfigSection(), new ThrowingSection(), streams])
            .LoadString("http 80;\n\n  broken_plugin x;\nstream s { input a://b; }", "p.conf", Path.GetTempPath());
        Assert.False(result.Succeeded);
        Assert.Equal(["p.conf:3:3: ThrowingSection failed while binding: InvalidOperationException: plugin bug"], TestConfig.Lines(result));
        Assert.Single(streams.Calls);
    }

    [Fact]
    public void Load_Should_ReportSectionErrorsThroughDiagnostics()
    {
        var result = TestConfig.LoadCore("http 80;\nhttp 80;");
        Assert.Null(result.Configuration);
        Assert.Equal(["t.conf:2:6: duplicate 'http' listener 0.0.0.0:80 (first at 1:6)"], TestConfig.Lines(result));
    }

    [Fact]
    public void LoadDefault_Should_LoadTheEmbeddedConfiguration()
    {
        var result = new ConfigLoader([new CoreConfigSection()]).LoadDefault();
        Assert.True(result.Succeeded, result.Format());
        Assert.Null(result.Configuration!.FilePath);
        Assert.Equal(8080, Assert.Single(result.Configuration.Get<CoreOptions>()!.Http).Port);
        Assert.Contains("http 8080;", ConfigLoader.DefaultText);
    }

    [Fact]
    public void LoadDefault_Should_ReportUnderDefaultFileName()
    {
        var result = new ConfigLoader([new CoreConfigSection()]).LoadString("bogus 1;", ConfigLoader.DefaultFileName, Path.GetTempPath());
        Assert.Equal(["<default>:1:1: unknown directive 'bogus'"], TestConfig.Lines(result));
    }

    [Fact]
    public void LoadFile_Should_ResolvePathsAgainstTheConfigFolder()
    {
        using var dir = new TempFolder();
        var path = dir.Write("sluice.conf", "plugins_dir plugins;\nlogfile logs/sluice.log;\n");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(path);
        Assert.True(result.Succeeded, result.Format());
        Assert.Equal(path, result.Configuration!.FilePath);
        Assert.Equal(dir.Path, result.Configuration.Directory);
        var core = result.Configuration.Get<CoreOptions>()!;
        Assert.Equal(Path.Combine(dir.Path, "plugins"), core.PluginsDirectory);
        Assert.Equal(Path.Combine(dir.Path, "logs", "sluice.log"), core.LogFile);
    }

    [Fact]
    public void Load_Should_ReportConflictingOwners()
    {
        var result = TestConfig.LoadCore("stream a { input b://c; }", new StreamSection(), new StreamSection());
        Assert.Contains("t.conf:1:1: 'stream' is claimed by both StreamSection and StreamSection; remove one of the plugins", TestConfig.Lines(result));
    }
}
