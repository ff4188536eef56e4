using Sluice.Abstractions.Events;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class EventRouterTests
{
    [Fact]
    public async Task Emit_allocates_nothing_when_no_block_wants_the_event()
    {
        await using var f = await new RouterFixture().Apply("""
            notify a { sink collect://a; only event=stream_started,stream_stopped media=tnt; }
            notify b { sink collect://b; except media=*; only group=system_overloaded; }
            notify c { sink collect://c; only event=play_started country=RU; verbose info; }
            notify d { sink collect://d; verbose error; }
            """);
        EventField[] fields = [new("ip", "10.0.0.1"), new("bytes", 1234L)];
        void EmitMisses()
        {
            f.Router.Emit(new EventDraft("stream_started") { Media = "cbc", Fields = fields });
            f.Router.Emit(new EventDraft("dvr_new_fragment") { Media = "cbc", Fields = fields });
            f.Router.Emit(new EventDraft("play_started") { Media = "cbc", Fields = [new("country", "US")] });
        }
        EmitMisses(); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) EmitMisses();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.All(f.Router.Stats(), s => Assert.Equal(0, s.Delivered + s.Queued));
    }

    [Fact]
    public async Task A_hit_builds_one_event_shared_by_every_block_with_catalog_level_group_and_a_fresh_id()
    {
        await using var f = await new RouterFixture().Apply("""
            notify a { sink collect://a; only group=system_overloaded; }
            notify b { sink collect://b; only event=long_gc; }
            notify c { sink collect://c; only event=nothing; }
            """);
        f.Router.Emit(new EventDraft("long_gc") { Fields = [new("pause_ms", 120.5), new("generation", 2)] });
        f.Router.Emit(new EventDraft("long_gc") { Fields = [new("pause_ms", 130.0), new("generation", 1)] });
        await Conf.WaitUntil(() => f.Factory.Sink("collect://a").Events.Count == 2 && f.Factory.Sink("collect://b").Events.Count == 2);
        var a = f.Factory.Sink("collect://a").Events;
        var b = f.Factory.Sink("collect://b").Events;
        Assert.Same(a[0], b[0]);
        Assert.NotEqual(a[0].Id, a[1].Id);
        Assert.Equal(EventLevel.Warning, a[0].Level);
        Assert.Equal("system_overloaded", a[0].Group);
        Assert.Equal("test-server", a[0].Server);
        Assert.InRange(a[0].UtcMs, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal("120.5", a[0]["pause_ms"].ToString());
        Assert.Contains("\"event\":\"long_gc\"", a[0].ToJson());
        Assert.Empty(f.Factory.Sink("collect://c").Events);
    }

    [Fact]
    public async Task Source_started_is_also_emitted_as_source_ready_and_source_lost_as_source_closed()
    {
        await using var f = await new RouterFixture().Apply("""
            notify newer { sink collect://newer; only event=source_started,source_closed; }
            notify older { sink collect://older; only event=source_ready,source_lost; }
            notify all { sink collect://all; }
            """);
        f.Router.Emit(new EventDraft("source_started") { Media = "cbc" });
        f.Router.Emit(new EventDraft("source_lost") { Media = "cbc" });
        await Conf.WaitUntil(() => f.Factory.Sink("collect://all").Events.Count == 4);
        Assert.Equal(["source_started", "source_closed"], f.Factory.Sink("collect://newer").Events.Select(e => e.Name));
        Assert.Equal(["source_ready", "source_lost"], f.Factory.Sink("collect://older").Events.Select(e => e.Name));
        var all = f.Factory.Sink("collect://all").Events;
        Assert.Equal(["source_started", "source_ready", "source_lost", "source_closed"], all.Select(e => e.Name));
        Assert.All(all, e => Assert.Equal("cbc", e.Media));
        Assert.Equal(4, all.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_filter_on_id_sees_the_built_event()
    {
        await using var f = await new RouterFixture().Apply("notify a { sink collect://a; except id=*; }\nnotify b { sink collect://b; only utc_ms=*; }");
        f.Router.Emit(new EventDraft("stream_started"));
        await Conf.WaitUntil(() => f.Factory.Sink("collect://b").Events.Count == 1);
        Assert.Empty(f.Factory.Sink("collect://a").Events);
    }

    [Fact]
    public async Task Injected_events_are_routed_as_they_are()
    {
        await using var f = await new RouterFixture().Apply("notify a { sink collect://a; only event=custom; }");
        var evt = new SluiceEvent("custom", "given-id", 42, "elsewhere", EventLevel.Info, "cbc");
        f.Router.Emit(evt);
        f.Router.Emit(new SluiceEvent("other", "x", 42, "elsewhere", EventLevel.Info));
        await Conf.WaitUntil(() => f.Factory.Sink("collect://a").Events.Count == 1);
        await Task.Delay(50);
        Assert.Same(evt, Assert.Single(f.Factory.Sink("collect://a").Events));
    }

    [Fact]
    public async Task A_full_queue_drops_new_events_and_counts_them()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", QueueCapacity = 10, MaxBatch = 5 });
        f.Factory.Hooks["collect://a"] = (_, ct) => gate.WaitAsync(ct);
        await f.Apply("notify a { sink collect://a; }");
        f.Router.Emit(new EventDraft("first"));
        await Conf.WaitUntil(() => f.Factory.Sink("collect://a").Calls == 1); // the first batch is in the sink
        for (var i = 0; i < 15; i++) f.Router.Emit(new EventDraft("e" + i));
        Assert.Equal(5, f.Stats("a").Dropped);
        Assert.Equal(10, f.Stats("a").Queued);
        gate.Release(100);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 11);
        Assert.Equal(["first", .. Enumerable.Range(0, 10).Select(i => "e" + i)], f.Factory.Sink("collect://a").Events.Select(e => e.Name));
    }
}

public class RouteTableTests
{
    [Fact]
    public async Task Blocks_restricted_to_event_names_still_get_every_name_of_any_only_line_and_others_get_the_rest()
    {
        await using var f = await new RouterFixture().Apply("""
            notify named { sink collect://named; only event=custom_a; only event=custom_b media=cbc; }
            notify mixed { sink collect://mixed; only event=custom_a; only media=cbc; }
            notify wildcard { sink collect://wildcard; only event=*; except event=custom_b; }
            """);
        f.Router.Emit(new EventDraft("custom_a"));
        f.Router.Emit(new EventDraft("custom_b") { Media = "cbc" });
        f.Router.Emit(new EventDraft("custom_b") { Media = "tnt" });
        f.Router.Emit(new EventDraft("not_named_anywhere") { Media = "cbc" });
        f.Router.Emit(new Sluice.Abstractions.Events.SluiceEvent("not_named_either", "i", 1, "s", EventLevel.Info, "cbc"));
        await Conf.WaitUntil(() => f.Router.IsIdle && f.Stats("wildcard").Delivered == 3 && f.Stats("mixed").Delivered == 4);
        Assert.Equal(["custom_a", "custom_b"], f.Factory.Sink("collect://named").Events.Select(e => e.Name));
        Assert.Equal(["custom_a", "custom_b", "not_named_anywhere", "not_named_either"], f.Factory.Sink("collect://mixed").Events.Select(e => e.Name));
        Assert.Equal(["custom_a", "not_named_anywhere", "not_named_either"], f.Factory.Sink("collect://wildcard").Events.Select(e => e.Name));
    }
}
