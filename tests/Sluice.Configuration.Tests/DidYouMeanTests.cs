using Sluice.Host.Configuration;

namespace Sluice.Configuration.Tests;

public class DidYouMeanTests
{
    [Theory]
    [InlineData("notify", "notify", 0)]
    [InlineData("notfy", "notify", 1)]
    [InlineData("ntoify", "notify", 1)]   // a swap of neighbours is one edit
    [InlineData("lgolevel", "loglevel", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_Should_CountEdits(string a, string b, int expected)
    {
        Assert.Equal(expected, DidYouMean.Distance(a, b));
        Assert.Equal(expected, DidYouMean.Distance(b, a));
    }

    [Theory]
    [InlineData("notfy", "notify")]
    [InlineData("HTTP", "http")]
    [InlineData("api_allowed_form", "api_allowed_from")]
    [InlineData("max_session", "max_sessions")]
    [InlineData("htp", "http")]
    [InlineData("xyz", null)]
    [InlineData("streamer", "stream")]
    [InlineData("frobnicate", null)]
    public void Suggest_Should_PickNearestWithinTwoEdits(string name, string? expected) =>
        Assert.Equal(expected, DidYouMean.Suggest(name, SpecDirectives.TopLevel));
}
