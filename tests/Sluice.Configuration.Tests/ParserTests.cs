using Sluice.Abstractions.Configuration;

namespace Sluice.Configuration.Tests;

public class ParserTests
{
    [Fact]
    public void Parse_Should_GiveDirectivesArgumentsAndExactLocations()
    {
        var tree = TestConfig.ParseClean("http 80;\n  loglevel   debug;\n\tstream cam01 {\n    input fake://fake;\n  }\n");
        Assert.Equal(["http", "loglevel", "stream"], tree.Select(d => d.Name));
        Assert.Equal(new SourceLocation("t.conf", 1, 1), tree[0].Location);
        Assert.Equal(new SourceLocation("t.conf", 1, 6), tree[0].Arguments[0].Location);
        Assert.Equal(new SourceLocation("t.conf", 2, 3), tree[1].Location);
        Assert.Equal(new SourceLocation("t.conf", 2, 14), tree[1].Arguments[0].Location);
        Assert.Equal(new SourceLocation("t.conf", 3, 2), tree[2].Location);
        var input = Assert.Single(tree[2].Block!);
        Assert.Equal("input", input.Name);
        Assert.Equal("fake://fake", input.Arguments[0].Value);
        Assert.Equal(new SourceLocation("t.conf", 4, 5), input.Location);
        Assert.Equal(new SourceLocation("t.conf", 4, 11), input.Arguments[0].Location);
    }

    [Fact]
    public void Parse_Should_SkipCommentsToEndOfLine_ButKeepHashInsideWords()
    {
        var tree = TestConfig.ParseClean("# a comment\nsink http://a/b#frag; # trailing\n#last");
        var d = Assert.Single(tree);
        Assert.Equal("http://a/b#frag", d.Arguments[0].Value);
        Assert.Equal(2, d.Location.Line);
    }

    [Theory]
    [InlineData("http://a/b?x=1&y=2")]
    [InlineData("log:///var/log/x.log")]
    [InlineData("smtp://")]
    [InlineData("10/8")]
    [InlineData("192.168/16")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("[::1]:8080")]
    [InlineData("10G")]
    [InlineData("2d")]
    [InlineData("500ms")]
    [InlineData("admin@my.cdn")]
    [InlineData("tshttp://source/ntv.ts")]
    [InlineData("file://vod/bunny.mp4")]
    public void Parse_Should_KeepBareWordsWhole(string word)
    {
        var d = Assert.Single(TestConfig.ParseClean($"x {word};"));
        var a = Assert.Single(d.Arguments);
        Assert.Null(a.Key);
        Assert.False(a.Quoted);
        Assert.Equal(word, a.Value);
    }

    [Fact]
    public void Parse_Should_ReadSmtpSchemeAloneAsWord_WhenFollowedBySemicolon()
    {
        var d = Assert.Single(TestConfig.ParseClean("via smtp://;"));
        Assert.Equal("smtp://", d.Arguments[0].Value);
    }

    [Fact]
    public void Parse_Should_SplitKeyValueArguments_OnCommasOutsideQuotes()
    {
        var d = Assert.Single(TestConfig.ParseClean("only event=stream_started,stream_stopped media=\"a b\" group='x,y' country=\"a\",b;"));
        Assert.Equal(4, d.Arguments.Count);
        Assert.Equal("event", d.Arguments[0].Key);
        Assert.Equal(["stream_started", "stream_stopped"], d.Arguments[0].Values);
        Assert.Equal("media", d.Arguments[1].Key);
        Assert.Equal(["a b"], d.Arguments[1].Values);
        Assert.True(d.Arguments[1].Quoted);
        Assert.Equal(["x,y"], d.Arguments[2].Values);
        Assert.Equal(["a", "b"], d.Arguments[3].Values);
        Assert.Equal(new SourceLocation("t.conf", 1, 42), d.Arguments[1].Location);
    }

    [Fact]
    public void Parse_Should_ReadCacheExampleWithMixedArguments()
    {
        var d = Assert.Single(TestConfig.ParseClean("cache globalcache /var/www misses=4 2d 40G;"));
        Assert.Equal(["globalcache", "/var/www", "misses=4", "2d", "40G"], d.Arguments.Select(a => a.Text));
        Assert.Equal("4", d.Option("misses")!.Value);
        Assert.Equal(["globalcache", "/var/www", "2d", "40G"], d.Positional.Select(a => a.Value));
    }

    [Fact]
    public void Parse_Should_UnescapeDoubleQuotes_AndKeepSingleQuotesLiteral()
    {
        var tree = TestConfig.ParseClean("a \"x\\\"y\\\\z\\n\\q\";\nb 'c\\d';\nc \"two\nlines\";");
        Assert.Equal("x\"y\\z\n\\q", tree[0].Arguments[0].Value);
        Assert.Equal("c\\d", tree[1].Arguments[0].Value);
        Assert.Equal("two\nlines", tree[2].Arguments[0].Value);
        Assert.Equal(3, tree[2].Location.Line);
    }

    [Fact]
    public void Parse_Should_NestBlocks_AndAcceptBraceOnNextLine()
    {
        var tree = TestConfig.ParseClean("a {\n b\n {\n  c 1;\n }\n}\nd\n;");
        Assert.Equal(["a", "d"], tree.Select(d => d.Name));
        var b = Assert.Single(tree[0].Block!);
        var c = Assert.Single(b.Block!);
        Assert.Equal("1", c.Arguments[0].Value);
        Assert.Empty(tree[1].Arguments);
    }

    [Fact]
    public void Parse_Should_KeepRepeatedDirectivesInFileOrder()
    {
        var tree = TestConfig.ParseClean("http 80; http 8080; only a=1; only b=2;");
        Assert.Equal(["http 80;", "http 8080;", "only a=1;", "only b=2;"], tree.Select(d => d.Text));
    }

    [Fact]
    public void Parse_Should_GiveEmptyBlock_ForEmptyBraces()
    {
        var d = Assert.Single(TestConfig.ParseClean("source { }"));
        Assert.True(d.HasBlock);
        Assert.Empty(d.Block!);
        Assert.Empty(d.Arguments);
    }

    [Theory]
    [InlineData("http 80;")]
    [InlineData("cache globalcache /var/www misses=4 2d 40G;")]
    [InlineData("only event=a,b media=\"a b\" x='q';")]
    [InlineData("notify n { sink http://h/x?a=1&b=2; only event=x; via smtp://; }")]
    [InlineData("a \"x\\\"y\" \"semi;colon\" \"{brace}\" \"#hash\" \"\" 'single\"quote';")]
    [InlineData("a \"line\nbreak\" k=\"\" k2=\"a\",b,\"c d\";")]
    [InlineData("a x#y k=v#w \"C:\\\\dir\" tab\"\t\"x;")]
    [InlineData("s { t { u { v 1; } } w; }")]
    public void Text_Should_RoundTrip_ThroughParse(string source)
    {
        foreach (var d in TestConfig.ParseClean(source))
        {
            var again = Assert.Single(TestConfig.ParseClean(d.Text));
            Assert.Equal(d.Text, again.Text);
        }
    }

    [Fact]
    public void Text_Should_IgnoreWhitespaceAndComments()
    {
        var a = TestConfig.ParseClean("stream x {\n  input a; # c\n}\n");
        var b = TestConfig.ParseClean("stream   x{input a;}");
        Assert.Equal(a[0].Text, b[0].Text);
        Assert.Equal("stream x { input a; }", a[0].Text);
    }
}
