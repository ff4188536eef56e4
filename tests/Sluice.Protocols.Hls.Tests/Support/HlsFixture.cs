using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>
/// The plugin on a real Kestrel with a registry holding <c>cam1</c> (an ffmpeg-made H.264+AAC clip
/// played in real time, looping) and <c>idle</c> (known, never producing), a session tracker, the
/// <c>vod</c> file prefix and an event collector. Short timings keep the tests fast.
/// </summary>
public sealed class HlsFixture : IAsyncLifetime
{
    internal static readonly HlsOptions Options = new()
    {
        TargetDuration = TimeSpan.FromSeconds(1),
        PlaylistSegments = 3,
        ExtraSegments = 1,
        FirstSegmentWait = TimeSpan.FromSeconds(3),
        SegmenterIdleTimeout = TimeSpan.FromSeconds(4),
        SessionIdleTimeout = TimeSpan.FromSeconds(3),
        SweepInterval = TimeSpan.FromMilliseconds(300),
        ReaderCapacity = 150,
        StreamWriteChunk = 16 << 10,
    };

    private LoopingPlayer? _player;

    internal MediaFiles Files { get; private set; } = null!;
    internal TestStreamRegistry Registry { get; } = new();
    internal TestSessionTracker Sessions { get; } = new();
    internal CollectingEmitter Events { get; } = new();
    internal TestVodLibrary Vod { get; private set; } = null!;
    internal PluginHost Host { get; private set; } = null!;
    internal TestStream Cam { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Files = await Task.Run(() => new MediaFiles());
        Vod = new TestVodLibrary("vod", Files.VodFolder);
        Cam = Registry.Add("cam1");
        Registry.Add("idle");
        _player = LoopingPlayer.Start(Files.LiveClip, Cam);
        var plugin = new HlsPlugin(Options with { VodCacheDirectory = Files.CacheFolder });
        Host = await PluginHost.StartAsync(plugin, new Dictionary<Type, object>
        {
            [typeof(IStreamRegistry)] = Registry,
            [typeof(ISessionTracker)] = Sessions,
            [typeof(IVodLibrary)] = Vod,
            [typeof(IEventEmitter)] = Events,
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_player is not null) await _player.DisposeAsync();
        Files.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class HlsCollection : ICollectionFixture<HlsFixture>
{
    public const string Name = "plugin on kestrel";
}
