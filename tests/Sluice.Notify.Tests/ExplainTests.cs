using System.Text.Json;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class ExplainTests
{
    private readonly NotifyOptions _options = Conf.Valid("""
        notify everything { sink collect://a; }
        notify streams_only {
            sink collect://b;
            only event=stream_started,stream_stopped media=tnt;
        }
        notify no_streams { sink collect://c; except media=*; }
        notify serious { sink collect://d; verbose warning; }
        """, new TestContributions(new CollectingSinkFactory()));

    [Fact]
    public void Explain_lists_every_handler_in_file_order_with_its_reason()
    {
        var results = NotifyExplainer.Explain(_options, """{"event":"stream_started","media":"cbc"}""");
        Assert.Equal("""
            everything deliver
            streams_only drop no only line matched
            no_streams drop matched 'except media=*;' at test.conf:6:39
            serious drop level info below verbose warning

            """.ReplaceLineEndings("\n"), NotifyExplainer.ToText(results));
    }

    [Fact]
    public void Explain_uses_the_catalog_level_of_the_event()
    {
        var results = NotifyExplainer.Explain(_options, """{"event":"source_closed"}""");
        Assert.True(results.Single(r => r.Handler == "serious").Deliver);
        Assert.True(NotifyExplainer.Explain(_options, """{"event":"source_closed","level":"info"}""").Single(r => r.Handler == "serious").Deliver is false);
    }

    [Fact]
    public void Explain_json_has_handler_deliver_and_reason()
    {
        var json = NotifyExplainer.ToJson(NotifyExplainer.Explain(_options, """{"event":"stream_started","media":"tnt"}"""));
        using var doc = JsonDocument.Parse(json);
        var items = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(4, items.Length);
        Assert.Equal("streams_only", items[1].GetProperty("handler").GetString());
        Assert.True(items[1].GetProperty("deliver").GetBoolean());
        Assert.Equal("", items[1].GetProperty("reason").GetString());
        Assert.False(items[2].GetProperty("deliver").GetBoolean());
    }

    [Fact]
    public void Explain_rejects_bad_json_with_the_parser_message()
    {
        var e = Assert.Throws<FormatException>(() => NotifyExplainer.Explain(_options, """{"media":"cbc"}"""));
        Assert.Contains("missing 'event' field", e.Message);
    }

    [Fact]
    public void Explain_json_keeps_quotes_readable()
    {
        var json = NotifyExplainer.ToJson(NotifyExplainer.Explain(_options, """{"event":"stream_started","media":"cbc"}"""));
        Assert.Contains("\"reason\":\"matched 'except media=*;' at test.conf:6:39\"", json);
        Assert.DoesNotContain("\\u0027", json);
    }
}
