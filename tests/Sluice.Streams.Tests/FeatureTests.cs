using Sluice.Abstractions.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

/// <summary>Stream features (the contract DVR, push and thumbnails are built on) through the real loader and registry.</summary>
public sealed class FeatureTests
{
    [Fact]
    public async Task A_feature_is_created_per_directive_and_attached_to_its_running_stream()
    {
        var factory = new CountingFeatureFactory();
        await using var f = await new StreamsFixture(feature: factory).Apply("stream tv { input test://tv; count a; count b; }");

        var features = factory.Created.ToArray();
        Assert.Equal(["a", "b"], features.Select(c => c.Label));
        Assert.All(features, c => Assert.Equal(("tv", StreamBlockKind.Stream), (c.Block, c.Kind)));
        await StreamsFixture.Until(() => features.All(c => c.FramesOf("tv") > 5), "both features reading frames");
    }

    [Fact]
    public async Task An_ondemand_block_has_its_feature_before_the_stream_runs_and_attaches_each_run()
    {
        var factory = new CountingFeatureFactory();
        await using var f = await new StreamsFixture(feature: factory).Apply("ondemand od { input test://od; count a; clients_timeout 100ms; }");
        var feature = Assert.Single(factory.Created);
        Assert.Equal(0, feature.Attached); // created for the block: an archive is served while the stream is down

        using (f.Registry.OpenForViewer("od")!.AddViewer())
            await StreamsFixture.Until(() => feature.FramesOf("od") > 3, "the feature reading the on-demand run");
        await StreamsFixture.Until(() => f.Registry.Find("od") is null && feature.Attached == 0, "the run stopped and the feature let go");
        Assert.False(feature.Disposed);
    }

    [Fact]
    public async Task A_live_block_feature_attaches_to_every_stream_published_under_the_prefix()
    {
        var factory = new CountingFeatureFactory();
        await using var f = await new StreamsFixture(feature: factory).Apply("live pub { count a; }");
        var feature = Assert.Single(factory.Created);
        Assert.Equal(StreamBlockKind.Live, feature.Kind);

        await using var one = f.Registry.Publish("pub/one", "127.0.0.1")!;
        await using var two = f.Registry.Publish("pub/two", "127.0.0.1")!;
        foreach (var p in new[] { one, two })
        {
            p.OnTrack(TestSourceFactory.Video);
            for (var n = 0; n < 5; n++) Frames.Write(p, n);
        }
        await StreamsFixture.Until(() => feature.FramesOf("pub/one") > 0 && feature.FramesOf("pub/two") > 0, "both published streams read");
        Assert.Equal(2, feature.Attached);
    }

    [Fact]
    public async Task A_changed_directive_reconfigures_in_place_or_replaces_the_feature_without_restarting_the_source()
    {
        var factory = new CountingFeatureFactory();
        await using var f = await new StreamsFixture(feature: factory).Apply("stream tv { input test://tv; count a inplace; }");
        var first = Assert.Single(factory.Created);
        await StreamsFixture.Until(() => first.FramesOf("tv") > 0, "attached and reading");
        var attempts = f.Source["tv"].Attempts;

        await f.Apply("stream tv { input test://tv; count b inplace; }");
        Assert.Single(factory.Created);
        Assert.Equal("b", first.Label);

        await f.Apply("stream tv { input test://tv; count c; }");
        var second = factory.Created.Last();
        Assert.NotSame(first, second);
        Assert.True(first.Disposed);
        Assert.Equal(0, first.Attached);
        await StreamsFixture.Until(() => second.FramesOf("tv") > 3, "the replacement reading the same run");
        Assert.Equal(attempts, f.Source["tv"].Attempts); // the source never restarted
        Assert.DoesNotContain("stream_reconfigured", f.Events.Names("tv"));
    }

    [Fact]
    public async Task A_removed_directive_disposes_its_feature_and_the_stream_runs_on()
    {
        var factory = new CountingFeatureFactory();
        await using var f = await new StreamsFixture(feature: factory).Apply("stream tv { input test://tv; count a; }");
        var feature = Assert.Single(factory.Created);
        await StreamsFixture.Until(() => feature.Attached == 1, "attached");

        await f.Apply("stream tv { input test://tv; }");
        Assert.True(feature.Disposed);
        Assert.Equal(0, feature.Attached);
        await using var reader = f.Registry.Find("tv")!.Subscribe();
        var frame = await reader.Frames.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)); // the stream still delivers
        frame.Release();
    }

    [Fact]
    public void A_feature_directive_is_checked_by_its_factory_and_unknown_without_one()
    {
        var withFeature = new StreamsFixture(feature: new CountingFeatureFactory());
        var refused = withFeature.Load("stream tv {\n  input test://tv;\n  count fail;\n}");
        Assert.Contains(refused.Diagnostics, d => d.ToString() == "t.conf:3:9: count refuses 'fail'");

        var without = new StreamsFixture();
        var unknown = without.Load("stream tv { input test://tv; count a; }");
        Assert.Contains(unknown.Diagnostics, d => d.ToString().Contains("unknown directive 'count' in 'stream'"));
    }
}
