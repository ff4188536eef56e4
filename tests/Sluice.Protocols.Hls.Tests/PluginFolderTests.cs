using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

[Collection(HlsCollection.Name)]
public sealed class PluginFolderTests(HlsFixture fixture)
{
    [Fact]
    public void The_build_folder_has_a_manifest_and_no_copy_of_the_shared_assemblies()
    {
        var folder = PluginFolder.BuildFolderOf("Sluice.Protocols.Hls");
        var manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(Path.Combine(folder, "plugin.json")))!;
        Assert.Equal("Sluice.Protocols.Hls", manifest.Name);
        Assert.Equal("Sluice.Protocols.Hls.dll", manifest.EntryAssembly);
        Assert.False(File.Exists(Path.Combine(folder, "Sluice.Abstractions.dll")));
        Assert.False(File.Exists(Path.Combine(folder, "Sluice.Media.dll")));
    }

    [Fact]
    public async Task The_plugin_loaded_from_its_folder_serves_HLS_and_unloads()
    {
        var weak = await ServeFromFolderAsync();
        for (var i = 0; weak.IsAlive && i < 30; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }
        Assert.False(weak.IsAlive, "the plugin's load context was not collected after Unload");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> ServeFromFolderAsync()
    {
        var (context, _, plugin) = PluginFolder.Load(PluginFolder.BuildFolderOf("Sluice.Protocols.Hls"));
        Assert.NotSame(typeof(HlsPlugin).Assembly, plugin.GetType().Assembly);
        var host = await PluginHost.StartAsync(plugin, new Dictionary<Type, object>
        {
            [typeof(IStreamRegistry)] = fixture.Registry,
            [typeof(ISessionTracker)] = fixture.Sessions,
        });
        try
        {
            var playlist = await MediaPlaylist.GetAsync(host.Client, "/cam1/index.m3u8");
            Assert.NotEmpty(playlist.Segments);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/cam1/" + playlist.Segments[^1].Uri)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/nosuch/index.m3u8")).StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }
        context.Unload();
        return new WeakReference(context);
    }
}
