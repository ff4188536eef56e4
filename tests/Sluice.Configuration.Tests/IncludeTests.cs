using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Configuration.Tests;

public class IncludeTests
{
    [Fact]
    public void Include_Should_ExpandGlobSortedAndRelativeToIncludingFile()
    {
        using var dir = new TempFolder();
        var main = dir.Write("etc/sluice.conf", "http 80;\ninclude conf.d/*.conf;\nloglevel info;\n");
        dir.Write("etc/conf.d/20-b.conf", "hostname b;\n");
        dir.Write("etc/conf.d/10-a.conf", "\n  max_sessions 5;\ninclude ../extra/x.conf;\n");
        dir.Write("etc/conf.d/ignored.txt", "this is not included;\n");
        dir.Write("etc/conf.d/.editor-swap.conf", "this hidden file is not included;\n");
        dir.Write("etc/extra/x.conf", "logrequests on;\n");

        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(main);

        Assert.True(result.Succeeded, result.Format());
        var tree = result.Configuration!.Directives;
        Assert.Equal(["http", "max_sessions", "logrequests", "hostname", "loglevel"], tree.Select(d => d.Name));
        var etc = Path.GetDirectoryName(main)!;
        Assert.Equal(new SourceLocation(Path.Combine(etc, "conf.d", "10-a.conf"), 2, 3), tree[1].Location);
        Assert.Equal(new SourceLocation(Path.Combine(etc, "conf.d", "../extra/x.conf"), 1, 1), tree[2].Location);
        Assert.Equal(new SourceLocation(Path.Combine(etc, "conf.d", "20-b.conf"), 1, 1), tree[3].Location);
        Assert.Equal(new SourceLocation(main, 3, 1), tree[4].Location);
        var core = result.Configuration.Get<CoreOptions>()!;
        Assert.Equal(5, core.MaxSessions);
        Assert.True(core.LogRequests);
        Assert.Equal("b", core.Hostname);
    }

    [Fact]
    public void Include_Should_ExpandWildcardFoldersAndRecursiveGlobs_SortedByPath()
    {
        using var dir = new TempFolder();
        var main = dir.Write("sluice.conf", "include sites/*/site.conf;\ninclude deep/**/*.conf;\n");
        dir.Write("sites/b/site.conf", "hostname b;\n");
        dir.Write("sites/a/site.conf", "max_sessions 5;\n");
        dir.Write("sites/.hidden/site.conf", "this hidden folder is not included;\n");
        dir.Write("deep/x/y/z.conf", "logrequests on;\n");
        dir.Write("deep/top.conf", "loglevel debug;\n");

        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(main);

        Assert.True(result.Succeeded, result.Format());
        var tree = result.Configuration!.Directives;
        Assert.Equal(["max_sessions", "hostname", "loglevel", "logrequests"], tree.Select(d => d.Name));
        Assert.Equal(new SourceLocation(Path.Combine(dir.Path, "sites", "a/site.conf"), 1, 1), tree[0].Location);
        Assert.Equal(new SourceLocation(Path.Combine(dir.Path, "deep", "x/y/z.conf"), 1, 1), tree[3].Location);
    }

    [Fact]
    public void Include_Should_RefuseParentFoldersAfterAWildcard()
    {
        using var dir = new TempFolder();
        var main = dir.Write("sluice.conf", "include sites/*/../x.conf;\n");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(main);
        Assert.Equal([$"{main}:1:9: 'include sites/*/../x.conf': '.' and '..' are allowed only before the first wildcard"], TestConfig.Lines(result));
    }

    [Fact]
    public void Include_Should_AcceptGlobMatchingNothing()
    {
        using var dir = new TempFolder();
        var main = dir.Write("a.conf", "include nothing/*.conf;\nhttp 80;\n");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(main);
        Assert.True(result.Succeeded, result.Format());
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Include_Should_WorkInsideBlocks()
    {
        using var dir = new TempFolder();
        dir.Write("inputs.conf", "input a://1;\ninput b://2;\n");
        var (tree, diagnostics) = TestConfig.Parse("stream s {\n  include inputs.conf;\n  title x;\n}", dir.Path);
        Assert.Empty(diagnostics);
        Assert.Equal("stream s { input a://1; input b://2; title x; }", Assert.Single(tree).Text);
    }

    [Fact]
    public void Include_Should_ReportMissingFile_AtThePath()
    {
        using var dir = new TempFolder();
        var main = dir.Write("main.conf", "http 80;\ninclude   missing.conf;\nloglevel debug;\n");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(main);
        Assert.Equal([$"{main}:2:11: included file '{Path.Combine(dir.Path, "missing.conf")}' not found"], TestConfig.Lines(result));
    }

    [Fact]
    public void Include_Should_ReportCycle_WithTheChain()
    {
        using var dir = new TempFolder();
        var a = dir.Write("a.conf", "http 80;\ninclude b.conf;\n");
        dir.Write("b.conf", "loglevel info;\ninclude a.conf;\n");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(a);
        var b = Path.Combine(dir.Path, "b.conf");
        Assert.Equal([$"{b}:2:9: include cycle: {a} -> {b} -> {a}"], TestConfig.Lines(result));
    }

    [Fact]
    public void Include_Should_ReportSelfInclude()
    {
        using var dir = new TempFolder();
        var a = dir.Write("a.conf", "include *.conf;\n");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(a);
        Assert.Equal([$"{a}:1:9: include cycle: {a} -> {Path.Combine(dir.Path, "a.conf")}"], TestConfig.Lines(result));
    }

    [Fact]
    public void Include_Should_ReportErrorsInIncludedFile_AtThatFilesLocation()
    {
        using var dir = new TempFolder();
        dir.Write("bad.conf", "\n\nhttp 80\n");
        var (_, diagnostics) = TestConfig.Parse("include bad.conf;", dir.Path);
        Assert.Equal([$"{Path.Combine(dir.Path, "bad.conf")}:3:8: expected ';' after '80'"], TestConfig.Lines(diagnostics));
    }

    [Fact]
    public void Include_Should_StopAtDepthLimit()
    {
        using var dir = new TempFolder();
        for (var i = 0; i < 30; i++) dir.Write($"{i}.conf", $"include {i + 1}.conf;\n");
        dir.Write("30.conf", "http 80;\n");
        var (_, diagnostics) = TestConfig.Parse("include 0.conf;", dir.Path);
        var d = Assert.Single(diagnostics);
        Assert.Contains($"includes nested deeper than {ConfigDocumentReader.MaxIncludeDepth} files", d.Message);
    }

    [Fact]
    public void Include_Should_RejectWrongShape()
    {
        var (_, diagnostics) = TestConfig.Parse("include a b;\ninclude;");
        Assert.Equal(
        [
            "t.conf:1:1: 'include' expects 1 argument and no block: include PATH_OR_GLOB;",
            "t.conf:2:1: 'include' expects 1 argument and no block: include PATH_OR_GLOB;",
        ], TestConfig.Lines(diagnostics));
    }

    [Fact]
    public void Load_Should_ReportAFolderGivenAsFile_AndAnIncludedFolder()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        var loader = new ConfigLoader([new CoreConfigSection()]);
        var asFile = loader.Load(dir.Path);
        Assert.False(asFile.Succeeded);
        Assert.StartsWith($"{dir.Path}:1:1: cannot read configuration file '{dir.Path}'", Assert.Single(TestConfig.Lines(asFile)));
        var included = loader.LoadString("include sub;", "m.conf", dir.Path);
        Assert.StartsWith($"m.conf:1:9: included file '{Path.Combine(dir.Path, "sub")}' not found", Assert.Single(TestConfig.Lines(included)));
    }

    [Fact]
    public void LoadFile_Should_ReportMissingMainFile()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "none.conf");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadFile(path);
        Assert.Equal([$"{path}:1:1: configuration file '{path}' not found"], TestConfig.Lines(result));
    }
}
