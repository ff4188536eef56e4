using Sluice.Host.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

public sealed class ConfigTests
{
    private static StreamsFixture Fixture() => new();

    private static string[] Lines(Sluice.Host.Configuration.ConfigLoadResult r) => r.Diagnostics.Select(d => d.ToString()).ToArray();

    [Fact]
    public async Task Binds_streams_ondemand_live_and_file_with_defaults_and_input_options()
    {
        await using var f = Fixture();
        using var dir = new TempDir();
        var r = f.Load($$"""
            stream tv {
              input test://main priority=1 latency=200ms;
              url test://old;
            }
            ondemand news { input test://n; clients_timeout 45; source_timeout 2500ms; retry_limit 3; }
            live pub { }
            file vod { path {{dir.Path}}; }
            """);
        Assert.True(r.Succeeded, r.Format());
        var o = r.Configuration!.Get<StreamsOptions>()!;
        var tv = o.Streams[0];
        Assert.Equal((StreamKind.Stream, 2, TimeSpan.FromSeconds(10)), (tv.Kind, tv.Inputs.Count, tv.SourceTimeout));
        var latency = tv.Inputs[0].Options.Single(o => o.Name == "latency");
        Assert.Equal("200ms", latency.Arguments.Single().Value);
        Assert.True(latency.Location.Column > tv.Inputs[0].Location.Column, "the option is located after its URL");
        Assert.Equal("test://old", tv.Inputs[1].UrlText);
        var news = o.Streams[1];
        Assert.Equal((StreamKind.OnDemand, TimeSpan.FromSeconds(45), TimeSpan.FromMilliseconds(2500), (int?)3),
            (news.Kind, news.ClientsTimeout, news.SourceTimeout, news.RetryLimit));
        Assert.Equal("pub", o.Live.Single().Prefix);
        Assert.Equal(dir.Path, o.Files.Single().Directory);
        Assert.Equal(f.Load("stream tv {input test://main priority=1 latency=200ms;\n url test://old;}").Configuration!.Get<StreamsOptions>()!.Streams[0], tv);
    }

    [Fact]
    public async Task An_input_no_source_claims_is_an_error_listing_the_available_schemes()
    {
        await using var f = Fixture();
        var r = f.Load("http 80;\nstream tv {\n  input rtmp://cam/live;\n}");
        Assert.Equal(["t.conf:3:9: no source reads 'rtmp://' inputs (available: test://, publish://)"], Lines(r));
    }

    [Fact]
    public async Task Duplicate_names_bad_urls_missing_inputs_and_factory_refusals_are_located_errors()
    {
        await using var f = Fixture();
        var r = f.Load("""
            stream a { input test://x; }
            ondemand a { input test://y; }
            stream b { input not-a-url; }
            stream c { source_timeout 5; }
            stream d { input test://x bad=1; }
            stream e { input test://x; source_timeout 0; }
            stream "with space" { input test://x; }
            stream f { input test://x; retry_limit -1; }
            """);
        Assert.Equal(
        [
            "t.conf:2:10: duplicate stream 'a' (first at 1:8)",
            "t.conf:3:18: 'input' expects an absolute URL such as udp://239.0.0.1:1234 or file://vod/movie.mp4, got 'not-a-url'",
            "t.conf:4:1: 'stream c' needs at least one 'input URL;'",
            "t.conf:5:27: 'input test://x': bad option value '1'",
            "t.conf:6:43: 'source_timeout' must be longer than zero, got '0'",
            "t.conf:7:8: 'stream' expects a name: no spaces, control characters, ?, #, %, \\ or quotes, got '\"with space\"'",
            "t.conf:8:40: 'retry_limit' expects a number of attempts between 1 and 1000000, got -1",
        ], Lines(r));
    }

    [Fact]
    public async Task A_missing_vod_folder_is_a_warning_it_may_be_mounted_later()
    {
        await using var f = Fixture();
        var r = f.Load("file vod { path /definitely/not/here; }");
        Assert.True(r.Succeeded, r.Format());
        Assert.Equal(["t.conf:1:17: warning: 'path' of 'file vod': folder '/definitely/not/here' does not exist (yet); files are served once it does"], Lines(r));
        Assert.Equal("/definitely/not/here", r.Configuration!.Get<StreamsOptions>()!.Files.Single().Directory);

        using var dir = new TempDir();
        var file = System.IO.Path.Combine(dir.Path, "plain.txt");
        File.WriteAllText(file, "x");
        var notFolder = f.Load($"file vod {{ path {file}; }}");
        Assert.Contains($"t.conf:1:17: 'path' of 'file vod' must be a folder, got the file '{file}'", notFolder.Format());
    }

    [Fact]
    public async Task Spec_directives_this_build_lacks_are_ignored_with_a_warning_but_auth_is_refused()
    {
        await using var f = Fixture();
        var ok = f.Load("stream cam03 {\n  input test://x;\n  transcoder vb=2048k;\n  dvr /storage 2d;\n}");
        Assert.True(ok.Succeeded, ok.Format());
        Assert.Equal(
        [
            "t.conf:3:3: warning: 'transcoder' in 'stream' is not supported by this build; ignored",
            "t.conf:4:3: warning: 'dvr' in 'stream' is not supported by this build; ignored",
        ], Lines(ok));
        Assert.Equal("stream cam03 { input test://x; }", ok.Configuration!.Get<StreamsOptions>()!.Streams[0].Text);

        var refused = f.Load("stream tv { input test://x; auth http://backend/auth; }");
        Assert.False(refused.Succeeded);
        Assert.Contains("t.conf:1:29: 'auth' is a security directive", refused.Format());
        var typo = f.Load("stream tv { inptu test://x; }");
        Assert.Contains("t.conf:1:13: unknown directive 'inptu' in 'stream'; did you mean 'input'?", typo.Format());
    }

    [Fact]
    public async Task Publish_input_is_accepted_without_a_source_and_lets_a_configured_stream_be_published()
    {
        await using var f = await Fixture().Apply("stream studio { input publish://; }");
        Assert.Equal(StreamState.Waiting, f.Registry.Running.Single().Snapshot().State);
        var p = f.Registry.Publish("studio", "10.1.1.1");
        Assert.NotNull(p);
        await p!.DisposeAsync();
        Assert.NotNull(f.Registry.Find("studio")); // a configured stream stays
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sluice-streams-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
