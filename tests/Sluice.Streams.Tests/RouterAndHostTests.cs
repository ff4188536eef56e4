using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Logging;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;
using Sluice.Abstractions.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

public sealed class RouterAndHostTests
{
    /// <summary>Sink type <c>keep://x</c>: keeps every event it is given.</summary>
    private sealed class KeepingSinkFactory : IEventSinkFactory, IEventSink
    {
        public ConcurrentQueue<SluiceEvent> Events { get; } = new();
        public string Name => "keep";
        public string SpecForms => "keep://NAME";
        public bool Claims(string spec) => spec.StartsWith("keep://", StringComparison.Ordinal);
        public void Validate(SinkContext context) { }
        public IEventSink Create(SinkContext context) => this;

        public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
        {
            foreach (var e in batch) Events.Enqueue(e);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Through_the_real_router_source_started_and_source_closed_also_arrive_under_their_older_names()
    {
        var sinks = new KeepingSinkFactory();
        var source = new TestSourceFactory();
        var contributions = new TestContributions(source);
        var set = new ContributionSetContributions(contributions, sinks);
        await using var router = new EventRouter(new NotifyRouterSettings { ServerName = "t" }, set);
        await using var registry = new StreamRegistry(router, set, settings: StreamsFixture.FastSettings);
        var loaded = new ConfigLoader([new CoreConfigSection(), new NotifyConfigSection(), new StreamsConfigSection(set)], set)
            .LoadString("notify all { sink keep://all; }\nstream tv { input test://cam; }", "t.conf", Path.GetTempPath());
        Assert.True(loaded.Succeeded, loaded.Format());
        await router.ApplyAsync(loaded.Configuration!, CancellationToken.None);
        await registry.ApplyAsync(loaded.Configuration!, CancellationToken.None);

        await StreamsFixture.Until(() => sinks.Events.Any(e => e.Name == "source_ready"), "source_ready");
        source["cam"].Mode = SourceMode.End;
        await StreamsFixture.Until(() => sinks.Events.Any(e => e.Name == "source_lost"), "source_lost");
        var names = sinks.Events.Where(e => e.Media == "tv").Select(e => e.Name).ToList();
        Assert.Contains("source_started", names);
        Assert.Contains("source_closed", names);
        Assert.Equal("eof", sinks.Events.First(e => e.Name == "source_lost").Fields!.First(f => f.Name == "reason").Value.AsString);
    }

    /// <summary>Contributions of both kinds a test needs: source types and sink types.</summary>
    private sealed class ContributionSetContributions(TestContributions sources, IEventSinkFactory sink) : IPluginContributions, IServiceProvider
    {
        public IReadOnlyList<T> All<T>() where T : class =>
            typeof(T) == typeof(IEventSinkFactory) ? (IReadOnlyList<T>)(object)new[] { sink } : sources.All<T>();

        public object? GetService(Type serviceType) => serviceType == typeof(IPluginContributions) ? this : null;
    }

    [Fact]
    public async Task Plugins_get_the_registry_the_session_tracker_and_the_vod_library_from_host_services()
    {
        using var dir = new TempDir();
        await using var core = HostCore.Create(new ConfigSource(Path.Combine(dir.Path, "none.conf")), NullLoggerFactory.Instance);
        var services = core.Services;
        var registry = services.GetRequiredService<StreamRegistry>();
        Assert.Same(registry, services.GetRequiredService<IStreamRegistry>());
        Assert.Same(registry.Sessions, services.GetRequiredService<ISessionTracker>());
        Assert.Same(registry.Vod, services.GetRequiredService<IVodLibrary>());
        Assert.Same(core.Router, services.GetRequiredService<IEventEmitter>());
        Assert.Same(core.Configuration, services.GetRequiredService<IConfigurationAccessor>());
    }

    [Fact]
    public async Task The_host_serves_the_streams_api_over_http()
    {
        using var dir = new TempDir();
        var plugins = Directory.CreateDirectory(Path.Combine(dir.Path, "plugins")).FullName;
        var port = FreePort();
        var config = Path.Combine(dir.Path, "sluice.conf");
        await File.WriteAllTextAsync(config, $"http 127.0.0.1:{port};\nplugins_dir {plugins};\nloglevel error;\nlive pub;\nstream studio {{ input publish://; }}\n");
        using var logging = new SluiceLogging();
        var server = new SluiceServer(new ConfigSource(config), logging);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = Task.Run(() => server.RunAsync(stop.Token));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await StreamsFixture.Until(() => Answers(http), "the host listening", 30_000);
            var publisher = server.Streams.Publish("pub/cam", "127.0.0.1")!;
            publisher.OnTrack(TestSourceFactory.Video);
            for (var n = 0; n < 30; n++) Frames.Write(publisher, n);

            using var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/streams"));
            var streams = list.RootElement.GetProperty("streams").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
            Assert.Equal(["pub/cam", "studio"], streams.Keys.Order());
            Assert.Equal(("published", "running", "publish://127.0.0.1"),
                (streams["pub/cam"].GetProperty("kind").GetString(), streams["pub/cam"].GetProperty("state").GetString(), streams["pub/cam"].GetProperty("input").GetString()));
            Assert.Equal(640, streams["pub/cam"].GetProperty("media_info").GetProperty("width").GetInt32());
            Assert.Equal(("stream", "waiting"), (streams["studio"].GetProperty("kind").GetString(), streams["studio"].GetProperty("state").GetString()));

            using var one = JsonDocument.Parse(await http.GetStringAsync("/api/v1/streams/pub/cam"));
            Assert.Equal("h264", one.RootElement.GetProperty("media_info").GetProperty("video_codec").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/streams/nope")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/v1/streams/nope/stop", null)).StatusCode);

            Assert.False(publisher.Ended.IsCancellationRequested);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/v1/streams/pub/cam/stop", null)).StatusCode);
            Assert.True(publisher.Ended.IsCancellationRequested); // the publishing plugin is told to hang up
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/streams/pub/cam")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/v1/streams/studio/stop", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/streams/studio")).StatusCode); // permanent: started again
        }
        finally
        {
            server.Stop();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
            await server.DisposeAsync();
        }
    }

    private static bool Answers(HttpClient http)
    {
        try
        {
            using var r = http.GetAsync("/api/v1/server").GetAwaiter().GetResult();
            return true;
        }
        catch (HttpRequestException) { return false; }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
