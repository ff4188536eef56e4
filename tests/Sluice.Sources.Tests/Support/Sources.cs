using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Sources.Fake;
using Sluice.Sources.FFmpeg;
using Sluice.Sources.Files;
using Sluice.Sources.MpegTs;

namespace Sluice.Sources.Tests.Support;

/// <summary>Creates sources the way the stream registry does, and runs them for a while.</summary>
internal static class Sources
{
    private static readonly ISluicePlugin[] Plugins =
        [new MpegTsSourcesPlugin(), new FFmpegSourcesPlugin(), new FileSourcesPlugin(), new FakeSourcesPlugin()];

    /// <summary>The context of <c>input URL key=value...;</c>, its diagnostics collected in <see cref="FactoryContext.Diagnostics"/>.</summary>
    public static SourceContext Context(string url, string? configDirectory = null, IReadOnlyDictionary<string, string>? options = null) =>
        TestContexts.Source(url, configDirectory: configDirectory, options: (options ?? new Dictionary<string, string>()).Select(kv => (kv.Key, kv.Value)).ToArray());

    /// <summary>What validating <paramref name="context"/> reported.</summary>
    public static DiagnosticList Check(SourceContext context)
    {
        FactoryFor(context.Spec).Validate(context);
        return (DiagnosticList)context.Diagnostics;
    }

    /// <summary>The one factory among all four plugins that claims the URL.</summary>
    public static IMediaSourceFactory FactoryFor(string url)
    {
        var claiming = Plugins.Select(p => TryFactory(p, url)).Where(f => f is not null).ToList();
        return Assert.Single(claiming)!;
    }

    public static IMediaSource Create(SourceContext context)
    {
        var factory = FactoryFor(context.Spec);
        factory.Validate(context);
        Assert.Empty(((DiagnosticList)context.Diagnostics).Errors);
        return factory.Create(context);
    }

    /// <summary>
    /// Runs the source until <paramref name="until"/> holds, then cancels it and checks it stopped
    /// by cancellation within a bounded time.
    /// </summary>
    public static async Task RunUntilAsync(IMediaSource source, CollectingSourceOutput output, Func<CollectingSourceOutput, bool> until,
        TimeSpan timeout, string what)
    {
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => source.RunAsync(output, stop.Token));
        try
        {
            await output.WaitUntilAsync(o => until(o) || run.IsCompleted, timeout, what);
            if (run.IsCompleted) await run;  // surfaces its exception
            Assert.True(until(output), $"{what}: the source ended early");
        }
        finally
        {
            stop.Cancel();
            var ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.Same(run, ended);
            await source.DisposeAsync();
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    /// <summary>DTS strictly increasing on every track.</summary>
    public static void AssertIncreasing(IEnumerable<FrameRecord> frames)
    {
        foreach (var track in frames.GroupBy(f => f.TrackId))
        {
            var list = track.ToList();
            for (var i = 1; i < list.Count; i++)
                Assert.True(list[i].Dts > list[i - 1].Dts, $"track {track.Key}: dts {list[i].Dts} after {list[i - 1].Dts} at frame {i}");
        }
    }

    /// <summary>
    /// Media time of the video against the wall time it took to arrive, from the first frame on (real-time
    /// pace). Measured from the first frame, where a pacer pins its clock: a source that is paced can never
    /// be ahead of that, while one that catches up after a stall of a loaded machine is still within it (a
    /// window that starts later would count such a catch-up as "faster than real time").
    /// </summary>
    public static (double Media, double Wall) Pace(IReadOnlyList<FrameRecord> video)
    {
        var first = video[0];
        var last = video[^1];
        return ((last.Dts - first.Dts) / (double)Timestamps.ClockRate, (last.At - first.At).TotalSeconds);
    }

    private static IMediaSourceFactory? TryFactory(ISluicePlugin plugin, string url)
    {
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        return builder.SourceTypes.SingleOrDefault(f => f.Claims(new Uri(url)));
    }
}
