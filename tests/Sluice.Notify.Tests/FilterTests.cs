using Sluice.Abstractions.Events;
using Sluice.Host.Events;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class FilterTests
{
    private static CompiledFilter Filter(string lines)
    {
        var options = Conf.Valid($"notify h {{ sink collect://h; {lines} }}", new TestContributions(new CollectingSinkFactory()));
        return CompiledFilter.Compile(options.Blocks.Single());
    }

    private static SluiceEvent Event(string name, string? media = null, EventLevel level = EventLevel.Info, string? group = null, params EventField[] fields) =>
        new(name, "id-1", 1, "srv", level, media, group, fields);

    private static bool PassesDraft(CompiledFilter filter, in EventDraft draft) =>
        filter.Passes(new EventView(draft, "srv", EventCatalog.Find(draft.Name)));

    [Theory]
    [InlineData("only event=stream_started;", true)]
    [InlineData("only event=stream_started,stream_stopped;", true)]
    [InlineData("only event=stream_started,stream_stopped media=tnt;", false)]
    [InlineData("only event=stream_started media=cbc group=news;", false)]
    public void The_spec_examples_match_stream_started_on_cbc_as_documented(string line, bool matches)
    {
        var filter = Filter(line);
        Assert.Equal(matches, filter.Passes(Event("stream_started", "cbc")));
        Assert.Equal(matches, PassesDraft(filter, new EventDraft("stream_started") { Media = "cbc" }));
    }

    [Fact]
    public void Except_media_star_drops_every_stream_event_and_keeps_the_others()
    {
        var filter = Filter("except media=*; verbose debug;");
        Assert.False(filter.Passes(Event("stream_started", "cbc")));
        Assert.False(PassesDraft(filter, new EventDraft("dvr_new_fragment") { Media = "tnt" }));
        Assert.True(filter.Passes(Event("server_started")));
        Assert.True(PassesDraft(filter, new EventDraft("config_reloaded")));
    }

    [Fact]
    public void Key_star_matches_only_when_the_field_is_present()
    {
        var filter = Filter("only ip=*;");
        Assert.True(filter.Passes(Event("play_started", "cbc", fields: new EventField("ip", "10.0.0.1"))));
        Assert.True(PassesDraft(filter, new EventDraft("play_started") { Fields = [new("ip", 0)] }));
        Assert.False(filter.Passes(Event("play_started", "cbc")));
        Assert.False(filter.Passes(Event("play_started", "cbc", fields: new EventField("ip", EventValue.Null))));
    }

    [Fact]
    public void Numbers_and_booleans_match_their_json_text()
    {
        var filter = Filter("only count=5 flag=true;");
        Assert.True(filter.Passes(Event("x", fields: [new("count", 5), new("flag", true)])));
        Assert.True(PassesDraft(filter, new EventDraft("x") { Fields = [new("count", 5L), new("flag", true)] }));
        Assert.False(filter.Passes(Event("x", fields: [new("count", 6), new("flag", true)])));
        Assert.False(filter.Passes(Event("x", fields: [new("count", 5), new("flag", false)])));
        Assert.True(Filter("only ratio=0.5;").Passes(Event("x", fields: new EventField("ratio", 0.5))));
        Assert.True(Filter("only count=5;").Passes(Event("x", fields: new EventField("count", "5"))));
    }

    [Fact]
    public void Quoted_values_match_text_with_spaces_and_a_quoted_star_is_literal()
    {
        var filter = Filter("only media=\"my stream\",other;");
        Assert.True(filter.Passes(Event("stream_started", "my stream")));
        Assert.True(filter.Passes(Event("stream_started", "other")));
        Assert.False(filter.Passes(Event("stream_started", "my")));
        var star = Filter("only media=\"*\";");
        Assert.True(star.Passes(Event("stream_started", "*")));
        Assert.False(star.Passes(Event("stream_started", "cbc")));
    }

    [Fact]
    public void Verbose_drops_levels_below_it_and_no_verbose_keeps_every_level()
    {
        var info = Filter("verbose info;");
        Assert.False(info.Passes(Event("dvr_new_fragment", level: EventLevel.Debug)));
        Assert.True(info.Passes(Event("stream_started", level: EventLevel.Info)));
        Assert.True(info.Passes(Event("listener_failure", level: EventLevel.Error)));
        // Drafts take the catalog's level: dvr_new_fragment is debug, source_closed warning.
        Assert.False(PassesDraft(info, new EventDraft("dvr_new_fragment")));
        Assert.False(PassesDraft(Filter("verbose error;"), new EventDraft("source_closed")));
        Assert.True(PassesDraft(Filter("verbose error;"), new EventDraft("source_closed") { Level = EventLevel.Critical }));
        Assert.True(Filter("").Passes(Event("dvr_new_fragment", level: EventLevel.Debug)));
        Assert.True(Filter("level alert;").Passes(Event("x", level: EventLevel.Alert)));
    }

    [Fact]
    public void Except_wins_over_only_and_any_only_line_suffices()
    {
        var filter = Filter("only event=stream_started; only media=cbc; except media=tnt; except event=play_started media=cbc;");
        Assert.True(filter.Passes(Event("stream_started", "ntv")));
        Assert.True(filter.Passes(Event("stream_stopped", "cbc")));
        Assert.False(filter.Passes(Event("stream_started", "tnt")));
        Assert.False(filter.Passes(Event("play_started", "cbc")));
        Assert.True(filter.Passes(Event("play_closed", "cbc")));
        Assert.False(filter.Passes(Event("play_closed", "ntv")));
    }

    [Fact]
    public void An_absent_field_never_matches_a_value()
    {
        Assert.False(Filter("only media=cbc;").Passes(Event("server_started")));
        Assert.False(Filter("only country=RU;").Passes(Event("play_started", "cbc")));
        Assert.True(Filter("except country=RU;").Passes(Event("play_started", "cbc")));
        Assert.False(Filter("only group=news;").Passes(Event("stream_started", "cbc")));
    }

    [Fact]
    public void Group_and_level_of_a_draft_come_from_the_catalog()
    {
        var overloaded = Filter("only group=system_overloaded;");
        Assert.True(PassesDraft(overloaded, new EventDraft("long_gc")));
        Assert.True(PassesDraft(overloaded, new EventDraft("memory_usage") { Group = "system_overloaded" }));
        Assert.False(PassesDraft(overloaded, new EventDraft("memory_usage")));
        Assert.True(PassesDraft(Filter("only level=warning,error;"), new EventDraft("source_closed")));
        Assert.True(PassesDraft(Filter("only server=srv;"), new EventDraft("x")));
    }

    [Fact]
    public void Any_field_of_a_draft_or_event_can_be_filtered()
    {
        var filter = Filter("only event=play_started country=RU,KZ ip=10.0.0.1;");
        Assert.True(PassesDraft(filter, new EventDraft("play_started") { Fields = [new("country", "KZ"), new("ip", "10.0.0.1")] }));
        Assert.False(PassesDraft(filter, new EventDraft("play_started") { Fields = [new("country", "US"), new("ip", "10.0.0.1")] }));
        Assert.True(filter.Passes(Event("play_started", fields: [new("ip", "10.0.0.1"), new("country", "RU")])));
    }

    [Fact]
    public void Drop_reason_names_the_except_line_and_its_location_or_the_missing_only_or_the_level()
    {
        var filter = Filter("only event=stream_started; except media=tnt; verbose info;");
        Assert.Equal("matched 'except media=tnt;' at test.conf:1:57", filter.DropReason(new EventView(Event("stream_started", "tnt"))));
        Assert.Equal("no only line matched", filter.DropReason(new EventView(Event("stream_stopped", "cbc"))));
        Assert.Equal("level debug below verbose info", filter.DropReason(new EventView(Event("stream_started", level: EventLevel.Debug))));
        Assert.Null(filter.DropReason(new EventView(Event("stream_started", "cbc"))));
    }

    [Fact]
    public void A_long_value_list_matches_any_of_its_values_and_nothing_else()
    {
        var names = string.Join(",", Enumerable.Range(0, 20).Select(i => $"cam{i}"));
        var filter = Filter($"only media={names} level=info,warning server=srv;");
        Assert.True(filter.Passes(Event("stream_started", "cam0")));
        Assert.True(PassesDraft(filter, new EventDraft("stream_started") { Media = "cam19", Level = EventLevel.Warning }));
        Assert.False(PassesDraft(filter, new EventDraft("stream_started") { Media = "cam20" }));
        Assert.False(PassesDraft(filter, new EventDraft("stream_started") { Media = "cam1", Level = EventLevel.Error }));
        Assert.False(PassesDraft(filter, new EventDraft("stream_started")));
    }

    [Fact]
    public void An_except_line_drops_an_event_whatever_the_order_of_its_pairs_and_of_the_lines()
    {
        var filter = Filter("except media=tnt event=stream_started; only group=news; only event=stream_started media=tnt,cbc;");
        Assert.False(filter.Passes(Event("stream_started", "tnt")));
        Assert.True(filter.Passes(Event("stream_started", "cbc")));
        Assert.True(filter.Passes(Event("stream_stopped", "tnt", group: "news")));
        Assert.False(filter.Passes(Event("stream_stopped", "tnt")));
        Assert.False(filter.Passes(Event("stream_started", "tnt", group: "news")));
    }
}
