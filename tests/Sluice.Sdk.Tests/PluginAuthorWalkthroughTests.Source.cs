using System.Text.Json;
using Sluice.Sdk.Tests.Support;

namespace Sluice.Sdk.Tests;

/// <summary>The source template's walkthrough: build and publish against both packages, then play its stream through the host.</summary>
public sealed partial class PluginAuthorWalkthroughTests
{
    /// <summary>A stream may answer 503 until its source has produced a first segment.</summary>
    private static readonly TimeSpan PlaylistWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public void Generated_Source_Should_Build_Against_The_Packed_Packages_And_Pass_Its_Tests()
    {
        AssertSucceeded(workspace.BuildSource, "dotnet build Acme.Ticker");
        AssertSucceeded(workspace.TestSource, "dotnet test Acme.Ticker");
        AssertTestsRan(workspace.TestSource!);

        // Both packages came from the local feed; nothing refers to the repo's source.
        var csproj = File.ReadAllText(Path.Combine(workspace.SourceSolution, "Acme.Ticker", "Acme.Ticker.csproj"));
        Assert.Contains("<PackageReference Include=\"Sluice.Abstractions\" Version=\"2.0.0\" ExcludeAssets=\"runtime\" />", csproj);
        Assert.Contains("<PackageReference Include=\"Sluice.Media\" Version=\"2.0.0\" ExcludeAssets=\"runtime\" />", csproj);
        Assert.DoesNotContain("ProjectReference", csproj);
        foreach (var package in new[] { "sluice.abstractions", "sluice.media" })
        {
            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace.NuGetCache, package, "2.0.0", ".nupkg.metadata")));
            Assert.Equal(Path.GetFullPath(workspace.Feed).TrimEnd('/'), metadata.RootElement.GetProperty("source").GetString()!.TrimEnd('/'));
        }
    }

    [Fact]
    public void Published_Source_Should_Be_Exactly_The_Folder_To_Drop_Into_Plugins_Dir()
    {
        AssertSucceeded(workspace.PublishSource, "dotnet publish Acme.Ticker");

        // No Sluice.Abstractions.dll and no Sluice.Media.dll: the host shares its own.
        var files = Directory.EnumerateFileSystemEntries(workspace.PublishedSource).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["Acme.Ticker.deps.json", "Acme.Ticker.dll", "Acme.Ticker.pdb", "Acme.Ticker.runtimeconfig.json", "plugin.json"], files);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace.PublishedSource, "plugin.json")));
        var m = manifest.RootElement;
        Assert.Equal("Acme.Ticker", m.GetProperty("name").GetString());
        Assert.Equal("0.1.0", m.GetProperty("version").GetString());
        Assert.Contains("ticker://PATH", m.GetProperty("description").GetString());
        Assert.Equal("Acme.Ticker.dll", m.GetProperty("entryAssembly").GetString());
        Assert.Equal("2.0.0", m.GetProperty("abstractionsVersion").GetString());

        var deps = File.ReadAllText(Path.Combine(workspace.PublishedSource, "Acme.Ticker.deps.json"));
        Assert.DoesNotContain("Sluice.Abstractions.dll", deps);
        Assert.DoesNotContain("Sluice.Media.dll", deps);
    }

    [Fact]
    public async Task Host_Should_Play_A_Stream_From_A_Source_Dropped_Into_Its_Plugins_Folder()
    {
        AssertSucceeded(workspace.PublishSource, "dotnet publish Acme.Ticker");
        var folder = workspace.NewFolder("source-walkthrough");
        await MediaTools.MakeSampleTsAsync(Path.Combine(folder, "x.ts"));

        // One plugins_dir as an operator has it: the plugins the host comes with (HLS among them) and the new source.
        var plugins = Directory.CreateDirectory(Path.Combine(folder, "plugins")).FullName;
        var bundled = Path.Combine(Path.GetDirectoryName(RepoPaths.HostExecutable)!, "plugins");
        if (Directory.Exists(bundled))
        {
            foreach (var plugin in Directory.EnumerateDirectories(bundled)) CopyFolder(plugin, Path.Combine(plugins, Path.GetFileName(plugin)));
        }
        CopyFolder(workspace.PublishedSource, Path.Combine(plugins, TemplateWorkspace.SourceName));

        await using var host = await SluiceHost.StartAsync(folder,
            $"http 127.0.0.1:{{PORT}};\nplugins_dir {plugins};\nstream tick {{\n  input ticker://x.ts;\n}}\n");

        // Flussonic's layout: /NAME/index.m3u8. The stream starts with the host; until its first segment it may answer 503.
        var playlist = $"http://127.0.0.1:{host.Port}/tick/index.m3u8";
        var (status, body) = await PollPlaylistAsync(host, "/tick/index.m3u8");
        Assert.True(status == 200 && body.StartsWith("#EXTM3U"),
            $"GET {playlist} answered {status} for {PlaylistWithin.TotalSeconds:F0}s, last body:\n{body}\nhost output:\n{host.Output}");

        var probe = await MediaTools.ProbeStreamsAsync(playlist, TimeSpan.FromSeconds(30));
        Assert.True(probe.ExitCode == 0, probe.Describe() + "\nhost output:\n" + host.Output);
        using var streams = JsonDocument.Parse(probe.Output);
        var codecs = streams.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()).ToList();
        Assert.Contains("h264", codecs);
        Assert.Contains("aac", codecs);
    }

    /// <summary>Polls (bounded) until the playlist answers 200; returns the last status and body.</summary>
    private static async Task<(int Status, string Body)> PollPlaylistAsync(SluiceHost host, string path)
    {
        var deadline = DateTime.UtcNow + PlaylistWithin;
        var last = (Status: 0, Body: "");
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await host.Http.GetAsync(path);
                last = ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
                if (last.Status == 200) return last;
            }
            catch (HttpRequestException e)
            {
                last = (0, e.Message);
            }
            await Task.Delay(250);
        }
        return last;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
