using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Sources.Tests.Support;
using static Sluice.Sources.Tests.Support.Sources;

namespace Sluice.Sources.Tests;

/// <summary>The built plugin folders are complete: each loads in a collectible context sharing the contracts, works and unloads.</summary>
[Collection(MediaCollection.Name)]
public sealed class PluginFolderTests(MediaFiles media)
{
    [Theory]
    [InlineData("Sluice.Sources.MpegTs", "tshttp://h/x,udp://1.2.3.4:5")]
    [InlineData("Sluice.Sources.FFmpeg", "rtsp://cam/1,hls://h/i.m3u8")]
    [InlineData("Sluice.Sources.File", "file://a.mp4")]
    [InlineData("Sluice.Sources.Fake", "fake://f")]
    public void Each_plugin_folder_has_a_manifest_no_copy_of_the_shared_assemblies_and_registers_its_sources(string plugin, string urls)
    {
        var folder = PluginFolder.BuildFolderOf(plugin);
        var manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(Path.Combine(folder, "plugin.json")))!;
        Assert.Equal(plugin, manifest.Name);
        Assert.False(string.IsNullOrWhiteSpace(manifest.Description));
        Assert.False(File.Exists(Path.Combine(folder, "Sluice.Abstractions.dll")));
        Assert.False(File.Exists(Path.Combine(folder, "Sluice.Media.dll")));
        var weak = LoadAndCheckClaims(folder, urls.Split(','));
        AssertCollected(weak);
    }

    [Fact]
    public async Task The_mpegts_plugin_loaded_from_its_folder_reads_a_stream_and_unloads()
    {
        await using var server = await HttpFileServer.StartAsync(media.Folder);
        var output = new CollectingSourceOutput();

        var weak = await RunFromFolderAsync(PluginFolder.BuildFolderOf("Sluice.Sources.MpegTs"), $"tshttp://{server.Authority}/clip.ts", output);

        Assert.Empty(output.Violations);
        Assert.Equal((int)(MediaFiles.Fps * MediaFiles.ClipSeconds), output.FramesOf(CodecId.H264).Count);
        AssertCollected(weak);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndCheckClaims(string folder, string[] urls)
    {
        var (context, _, plugin) = PluginFolder.Load(folder);
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        foreach (var url in urls) Assert.Single(builder.SourceTypes, f => f.Claims(new Uri(url)));
        context.Unload();
        return new WeakReference(context);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RunFromFolderAsync(string folder, string url, CollectingSourceOutput output)
    {
        var (context, _, plugin) = PluginFolder.Load(folder);
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        var factory = Assert.Single(builder.SourceTypes, f => f.Claims(new Uri(url)));
        Assert.Equal(context, AssemblyLoadContext.GetLoadContext(factory.GetType().Assembly));
        Assert.Same(typeof(IMediaSourceFactory).Assembly, factory.GetType().GetInterface(nameof(IMediaSourceFactory))!.Assembly);
        await using (var source = factory.Create(Context(url)))
        {
            await source.RunAsync(output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        context.Unload();
        return new WeakReference(context);
    }

    private static void AssertCollected(WeakReference weak)
    {
        for (var i = 0; i < 20 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(50);
        }
        Assert.False(weak.IsAlive, "the plugin's load context was not collected");
    }
}
