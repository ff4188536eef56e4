using System.Collections.Concurrent;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>
/// The registry as the plugin sees it: named <see cref="TestStream"/>s, and publishing allowed under
/// the <c>live/</c> prefix (one publisher per name).
/// </summary>
internal sealed class TestStreamRegistry : IStreamRegistry
{
    private readonly ConcurrentDictionary<string, TestStream> _streams = new(StringComparer.Ordinal);

    public int OpenForViewerCalls;

    public IReadOnlyList<IMediaStream> Streams => [.. _streams.Values];

    public TestStream Add(string name) => _streams.GetOrAdd(name, n => new TestStream(n));

    public TestStream? Get(string name) => _streams.GetValueOrDefault(name);

    public IMediaStream? Find(string name) => _streams.GetValueOrDefault(name);

    public IMediaStream? OpenForViewer(string name)
    {
        Interlocked.Increment(ref OpenForViewerCalls);
        return _streams.GetValueOrDefault(name);
    }

    public IStreamPublisher? Publish(string name, string remoteAddress)
    {
        if (!name.StartsWith("live/", StringComparison.Ordinal)) return null;
        var stream = new TestStream(name);
        return _streams.TryAdd(name, stream) ? new Publisher(this, stream) : null;
    }

    private sealed class Publisher(TestStreamRegistry registry, TestStream stream) : IStreamPublisher
    {
        public string StreamName => stream.Name;

        public bool IsConnected { get; private set; }

        public void Connected() => IsConnected = true;

        public void OnTrack(TrackInfo track) => stream.OnTrack(track);

        public void OnFrame(in MediaFrame frame) => stream.OnFrame(in frame);

        public ValueTask DisposeAsync()
        {
            stream.End();
            registry._streams.TryRemove(new KeyValuePair<string, TestStream>(stream.Name, stream));
            return ValueTask.CompletedTask;
        }
    }
}
