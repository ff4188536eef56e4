using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Configuration.Tests;

/// <summary>Broken inputs give exactly the FILE:LINE:COL and message a user needs.</summary>
public class ErrorLocationTests
{
    [Theory]
    // A forgotten ';' is reported just after the last argument of the line.
    [InlineData("http 80\nloglevel info;", "t.conf:1:8: expected ';' after '80'")]
    [InlineData("stream a { input x }", "t.conf:1:19: expected ';' after 'x'")]
    [InlineData("loglevel info", "t.conf:1:14: expected ';' after 'info'")]
    // An unclosed block is reported at the end of the file, naming where it opened.
    [InlineData("stream a {\n  input x;\n", "t.conf:3:1: unclosed '{' opened at 1:10")]
    [InlineData("}\nhttp 80;", "t.conf:1:1: unexpected '}' with no '{' to close")]
    [InlineData("http 80;\nx \"abc;\nloglevel info;", "t.conf:2:3: unterminated string (opened with \" here)")]
    [InlineData("only =x;", "t.conf:1:6: empty key in '=x' (write key=value)")]
    [InlineData("only a = b;", "t.conf:1:8: stray '=' (write key=value without spaces)")]
    [InlineData("only a=;", "t.conf:1:6: missing value in 'a=' (write key=value or key=\"\")")]
    [InlineData("http 80;;", "t.conf:1:9: unexpected ';' with no directive before it")]
    [InlineData("{ http 80; }", "t.conf:1:1: expected a directive name before '{'")]
    [InlineData("a=b c;", "t.conf:1:1: expected a directive name, got 'a=b'")]
    public void Parse_Should_ReportExactLocation(string text, string expected)
    {
        var (_, diagnostics) = TestConfig.Parse(text);
        Assert.Equal([expected], TestConfig.Lines(diagnostics));
    }

    [Theory]
    [InlineData("notfy x { sink http://a; }", "t.conf:1:1: unknown directive 'notfy'; did you mean 'notify'?")]
    [InlineData("http 80;\n  lgolevel info;", "t.conf:2:3: unknown directive 'lgolevel'; did you mean 'loglevel'?")]
    [InlineData("frobnicate 1;", "t.conf:1:1: unknown directive 'frobnicate'")]
    [InlineData("http 80 81;", "t.conf:1:1: 'http' expects 1 argument: http [ADDR:]PORT")]
    [InlineData("view_auth admin;", "t.conf:1:1: 'view_auth' expects 2 arguments: view_auth USER PASSWORD")]
    [InlineData("http 80 { }", "t.conf:1:1: 'http' does not take a block: http [ADDR:]PORT")]
    [InlineData("http 70000;", "t.conf:1:6: 'http' expects [ADDR:]PORT: port must be a number between 1 and 65535, got '70000'")]
    [InlineData("http localhost:80;", "t.conf:1:6: 'http' expects [ADDR:]PORT: 'localhost' is not an IPv4 address (write A.B.C.D:PORT, [IPV6]:PORT or PORT)")]
    [InlineData("http 80;\nhttp 0.0.0.0:80;", "t.conf:2:6: duplicate 'http' listener 0.0.0.0:80 (first at 1:6)")]
    [InlineData("api_allowed_from 10/8 300.1/16;", "t.conf:1:23: 'api_allowed_from' expects networks: '300.1/16' is not a network (write A.B.C.D/N, a short form such as 10/8 or 192.168/16, or an address)")]
    [InlineData("api_allowed_from 10.1.2.3/8;", "t.conf:1:18: 'api_allowed_from' expects networks: '10.1.2.3/8' has address bits set beyond /8; did you mean 10.0.0.0/8?")]
    [InlineData("cluster_key abcd;", "t.conf:1:1: 'cluster_key' is a security directive and is not supported by this build; refusing to ignore it")]
    [InlineData("loglevel chatty;", "t.conf:1:10: 'loglevel' expects one of debug, info, notice, warning, error, got 'chatty'")]
    [InlineData("max_sessions 0;", "t.conf:1:14: 'max_sessions' expects a positive whole number (1 to 2147483647), got '0'")]
    [InlineData("hostname a;\nhostname b;", "t.conf:2:1: 'hostname' may appear only once (first at 1:1)")]
    public void Load_Should_ReportExactLocation(string text, string expected)
    {
        var result = TestConfig.LoadCore(text);
        Assert.False(result.Succeeded);
        Assert.Equal([expected], TestConfig.Lines(result));
    }

    [Fact]
    public void Load_Should_WarnAndSucceed_ForSpecDirectiveNothingImplements()
    {
        var result = TestConfig.LoadCore("http 80;\ngeoip /db.mmdb;");
        Assert.True(result.Succeeded, result.Format());
        Assert.Equal(["t.conf:2:1: warning: 'geoip' is not supported by this build; ignored"], TestConfig.Lines(result));
        Assert.Equal(result.Diagnostics, result.Configuration!.Warnings);
    }

    [Fact]
    public void Load_Should_ReportEveryErrorOfAFile_AcrossStages()
    {
        const string text = """
            http 80
            loglevel info;
            notfy a { sink http://x; }
            title "unterminated;
            http 99999;
            api_allowed_from 10/8 nonsense;
            cluster_key k;
            geoip /x;
            only =x;
            view_auth one;
            """;
        var result = TestConfig.LoadCore(text);
        Assert.False(result.Succeeded);
        Assert.Equal(
        [
            "t.conf:1:8: expected ';' after '80'",
            "t.conf:3:1: unknown directive 'notfy'; did you mean 'notify'?",
            "t.conf:4:7: unterminated string (opened with \" here)",
            "t.conf:5:6: 'http' expects [ADDR:]PORT: port must be a number between 1 and 65535, got '99999'",
            "t.conf:6:23: 'api_allowed_from' expects networks: 'nonsense' is not a network (write A.B.C.D/N, a short form such as 10/8 or 192.168/16, or an address)",
            "t.conf:7:1: 'cluster_key' is a security directive and is not supported by this build; refusing to ignore it",
            "t.conf:8:1: warning: 'geoip' is not supported by this build; ignored",
            "t.conf:9:6: empty key in '=x' (write key=value)",
            "t.conf:10:1: 'view_auth' expects 2 arguments: view_auth USER PASSWORD",
        ], TestConfig.Lines(result));
    }

    [Fact]
    public void Load_Should_ReportEveryErrorInLineOrder_WithIncludedFilesSeparately()
    {
        using var dir = new TempFolder();
        dir.Write("inc.conf", "bogus;\n");
        var result = new ConfigLoader([new CoreConfigSection()]).LoadString("http 0;\ninclude inc.conf;\nloglevel x;", "m.conf", dir.Path);
        Assert.Equal(
        [
            "m.conf:1:6: 'http' expects [ADDR:]PORT: port must be a number between 1 and 65535, got '0'",
            "m.conf:3:10: 'loglevel' expects one of debug, info, notice, warning, error, got 'x'",
            $"{Path.Combine(dir.Path, "inc.conf")}:1:1: unknown directive 'bogus'",
        ], TestConfig.Lines(result));
    }

    [Theory]
    [InlineData("\uFEFFhttp 80;\r\nloglevel info\r\nhostname x;\r\n")]
    [InlineData("http 80;\nloglevel info\nhostname x;\n")]
    public void Load_Should_IgnoreByteOrderMarkAndCarriageReturns(string text)
    {
        Assert.Equal(["t.conf:2:14: expected ';' after 'info'"], TestConfig.Lines(TestConfig.LoadCore(text)));
    }

    [Fact]
    public void Parse_Should_ReportEverySyntaxErrorOfAFile()
    {
        const string text = "a { b 1; } }\nc \"x\nd =y;\ne k= ;;\nf 1\ng { h; \n";
        var (tree, diagnostics) = TestConfig.Parse(text);
        Assert.Equal(
        [
            "t.conf:1:12: unexpected '}' with no '{' to close",
            "t.conf:2:3: unterminated string (opened with \" here)",
            "t.conf:3:3: empty key in '=y' (write key=value)",
            "t.conf:4:3: missing value in 'k=' (write key=value or key=\"\")",
            "t.conf:4:7: unexpected ';' with no directive before it",
            "t.conf:5:4: expected ';' after '1'",
            "t.conf:7:1: unclosed '{' opened at 6:3",
        ], TestConfig.Lines(diagnostics));
        Assert.Equal(["a { b 1; }", "f 1;", "g { h; }"], tree.Select(d => d.Text));
    }

    [Fact]
    public void Parse_Should_CountIncludedFilesInTheNestingLimit()
    {
        using var dir = new TempFolder();
        dir.Write("deep.conf", string.Concat(Enumerable.Repeat("x {", 10)) + string.Concat(Enumerable.Repeat("}", 10)));
        var text = string.Concat(Enumerable.Repeat("a {\n", 60)) + "include deep.conf;\n" + string.Concat(Enumerable.Repeat("}\n", 60));
        var (_, diagnostics) = TestConfig.Parse(text, dir.Path);
        Assert.Equal([$"{Path.Combine(dir.Path, "deep.conf")}:1:15: blocks nested deeper than 64 levels"], TestConfig.Lines(diagnostics));
    }

    [Fact]
    public void Parse_Should_ReportTooDeepNesting_Once_AndStillParseTheRest()
    {
        var deep = string.Concat(Enumerable.Repeat("a {", 100)) + string.Concat(Enumerable.Repeat("}", 100)) + "\nb c";
        var (tree, diagnostics) = TestConfig.Parse(deep);
        Assert.Equal(
        [
            $"t.conf:1:{64 * 3 + 3}: blocks nested deeper than 64 levels",
            $"t.conf:2:4: expected ';' after 'c'",
        ], TestConfig.Lines(diagnostics));
        Assert.Equal(["a", "b"], tree.Select(d => d.Name));
    }

    [Fact]
    public void Diagnostics_Should_StopGrowing_AfterTooManyErrors()
    {
        var (_, diagnostics) = TestConfig.Parse(string.Concat(Enumerable.Repeat("};", 5000)));
        Assert.Equal(DiagnosticBag.MaxErrors, diagnostics.Count);
        Assert.Contains("too many errors", diagnostics[^1].Message);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }
}
