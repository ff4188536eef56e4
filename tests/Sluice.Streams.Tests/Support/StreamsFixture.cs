using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;
using Sluice.Abstractions.Streams;

namespace Sluice.Streams.Tests.Support;

/// <summary>The <c>test://</c> factory registered as a core contribution, the way the host registers its own.</summary>
internal sealed class TestContributions : IPluginContributions, IServiceProvider
{
    private readonly ContributionSet _set = new();

    public TestContributions(params IMediaSourceFactory[] factories)
    {
        foreach (var f in factories) _set.Add<IMediaSourceFactory>(f);
    }

    /// <summary>Adds a stream feature type, as a plugin's AddStreamFeature would.</summary>
    public TestContributions With(IStreamFeatureFactory feature)
    {
        _set.Add<IStreamFeatureFactory>(feature);
        return this;
    }

    public IReadOnlyList<T> All<T>() where T : class => _set.Of<T>();

    public object? GetService(Type serviceType) => serviceType == typeof(IPluginContributions) ? this : null;
}

/// <summary>A real registry over the test source, configured from text through the real loader.</summary>
internal sealed class StreamsFixture : IAsyncDisposable
{
    public static readonly StreamRegistrySettings FastSettings = new()
    {
        BackoffInitial = TimeSpan.FromMilliseconds(40),
        BackoffMax = TimeSpan.FromMilliseconds(400),
        PrimaryProbeInterval = TimeSpan.FromMilliseconds(200),
        PublishedLinger = TimeSpan.FromMilliseconds(200),
        IdleCheckInterval = TimeSpan.FromMilliseconds(20),
        SourceStopTimeout = TimeSpan.FromSeconds(2),
    };

    /// <param name="fileSource">Also register <see cref="Files"/>, a <c>file://</c> source (what a <c>backup FILE</c> plays).</param>
    public StreamsFixture(StreamRegistrySettings? settings = null, bool fileSource = false, IStreamFeatureFactory? feature = null)
    {
        Contributions = fileSource ? new TestContributions(Source, Files) : new TestContributions(Source);
        if (feature is not null) Contributions.With(feature);
        Registry = new StreamRegistry(Events, Contributions, settings: settings ?? FastSettings);
    }

    public TestSourceFactory Source { get; } = new();
    public TestSourceFactory Files { get; } = new("file");
    public CollectingEmitter Events { get; } = new();
    public TestContributions Contributions { get; }
    public StreamRegistry Registry { get; }

    public ConfigLoadResult Load(string text, string? directory = null) =>
        new ConfigLoader([new CoreConfigSection(), new StreamsConfigSection(Contributions)], Contributions)
            .LoadString(text, "t.conf", directory ?? Path.GetTempPath());

    public async Task<StreamsFixture> Apply(string text)
    {
        var result = Load(text);
        Assert.True(result.Configuration is not null, string.Join("\n", result.Diagnostics));
        await Registry.ApplyAsync(result.Configuration!, CancellationToken.None);
        return this;
    }

    public ValueTask DisposeAsync() => Registry.DisposeAsync();

    /// <param name="advance">Moves a fake clock on between two looks (when the condition waits for the stream's clock).</param>
    public static async Task Until(Func<bool> condition, string what, int timeoutMs = 5000, Action? advance = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) Assert.Fail($"timed out waiting for {what}");
            advance?.Invoke();
            await Task.Delay(5);
        }
    }
}
