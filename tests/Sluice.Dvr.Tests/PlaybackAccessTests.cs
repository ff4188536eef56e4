using System.Collections.Concurrent;
using System.Net;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;
using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>Playback of an archive asks the host's authorizer and session tracker as live play does, and works while nothing records.</summary>
public sealed class PlaybackAccessTests(ClipFixture clips) : IClassFixture<ClipFixture>
{
    private sealed class TokenAuthorizer : IAccessAuthorizer
    {
        public ConcurrentQueue<AccessRequest> Asked { get; } = new();

        public ValueTask<AccessDecision> AuthorizeAsync(AccessRequest request, CancellationToken cancellationToken)
        {
            Asked.Enqueue(request);
            return ValueTask.FromResult(request.Query.Contains("token=good") ? AccessDecision.Allow : AccessDecision.Deny("bad token"));
        }
    }

    private sealed class Sessions : ISessionTracker
    {
        public ConcurrentQueue<string> Log { get; } = new();

        public ISession? TryOpen(SessionKind kind, string media, string protocol, string ip, string? userAgent)
        {
            var id = Guid.NewGuid().ToString("N");
            Log.Enqueue($"open {media} {protocol}");
            return new Session(id, this);
        }

        private sealed class Session(string id, Sessions owner) : ISession
        {
            public string Id => id;
            public void Started() => owner.Log.Enqueue("started");
            public void AddBytes(long bytes) { }
            public void Dispose() => owner.Log.Enqueue("closed");
        }
    }

    [Fact]
    public async Task Playback_of_a_stopped_streams_archive_needs_the_authorizers_yes_once_per_session_and_passes_the_token_on()
    {
        using var folder = new TempFolder();
        // Record 10 s of the clip into archive/cam, then nothing runs: playback is from the files alone.
        var recordedFrom = await RecordAsync(folder.Path);

        var authorizer = new TokenAuthorizer();
        var sessions = new Sessions();
        var builder = new TestPluginBuilder();
        builder.Services.Add<IAccessAuthorizer>(authorizer).Add<ISessionTracker>(sessions).Add<IEventEmitter>(new CollectingEmitter());
        await using var host = await PlaybackHost.StartAsync(new DvrPlugin(), builder);
        var factory = Assert.Single(builder.StreamFeatures);
        var diagnostics = new DiagnosticList();
        var context = TestContexts.StreamFeature("dvr archive 1d", "cam", diagnostics: diagnostics, configDirectory: folder.Path);
        factory.Validate(context);
        Assert.False(diagnostics.HasErrors);
        await using var feature = factory.Create(context);

        var from = recordedFrom / 1000 + 1;
        using (var refused = await host.Client.GetAsync($"/cam/index-{from}-4.m3u8?token=bad"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain("bad token", await refused.Content.ReadAsStringAsync()); // the reason is for the log
        }
        var playlist = await host.Client.GetStringAsync($"/cam/index-{from}-4.m3u8?token=good");
        var segment = playlist.Split('\n').First(l => l.EndsWith(".ts?token=good"));
        using (var fragment = await host.Client.GetAsync("/cam/" + segment))
        {
            Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
            Assert.Equal("video/mp2t", fragment.Content.Headers.ContentType?.MediaType);
        }
        // One session for the playlist and its segments: asked once when it opened (plus the refused one).
        Assert.Equal(2, authorizer.Asked.Count);
        var allowed = authorizer.Asked.Last();
        Assert.Equal(("cam", "dvr", AccessKind.Play), (allowed.Name, allowed.Protocol, allowed.Kind));
        Assert.Equal("token=good", allowed.Query);
        Assert.Equal(["open cam dvr", "closed", "open cam dvr", "started"], sessions.Log.ToArray());

        // An export is a session of its own, authorized again.
        using (var mp4 = await host.Client.GetAsync($"/cam/archive-{from}-4.mp4?token=good"))
            Assert.Equal(HttpStatusCode.OK, mp4.StatusCode);
        Assert.Equal(3, authorizer.Asked.Count);
        using (var status = await host.Client.GetAsync("/cam/recording_status.json"))
            Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
    }

    /// <summary>Records the 10 s clip with a real recorder into <c>FOLDER/archive/cam</c>; returns where it starts (UTC ms).</summary>
    private async Task<long> RecordAsync(string folder)
    {
        using var clip = Clip.Load(clips.Path10s);
        var fragments = await Recordings.RecordAsync(Path.Combine(folder, "archive", "cam"), "cam", TimeSpan.Zero, clip);
        return fragments[0].StartMs;
    }
}
