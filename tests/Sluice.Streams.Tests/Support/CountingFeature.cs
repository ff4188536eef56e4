using System.Collections.Concurrent;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;

namespace Sluice.Streams.Tests.Support;

/// <summary>
/// Stream feature <c>count LABEL;</c>: while attached, reads the stream through its own reader and counts
/// the frames, as a DVR or a push would. <c>count LABEL inplace;</c> accepts a new label in place.
/// <c>count fail;</c> is refused at validation.
/// </summary>
internal sealed class CountingFeatureFactory : IStreamFeatureFactory
{
    public ConcurrentQueue<CountingFeature> Created { get; } = new();

    public string Name => "count";

    public IReadOnlyList<DirectiveSpec> Directives { get; } = [new("count", "count LABEL [inplace]", 1, 2)];

    public void Validate(StreamFeatureContext context)
    {
        if (context.Directive.Arguments[0].Value == "fail") context.Diagnostics.Error(context.Directive.Arguments[0].Location, "count refuses 'fail'");
    }

    public IStreamFeature Create(StreamFeatureContext context)
    {
        var feature = new CountingFeature(context.StreamName, context.Block, context.Directive.Arguments[0].Value);
        Created.Enqueue(feature);
        return feature;
    }
}

internal sealed class CountingFeature(string block, StreamBlockKind kind, string label) : IStreamFeature
{
    private readonly ConcurrentDictionary<string, long> _frames = new();
    private int _attached;

    public string Block { get; } = block;
    public StreamBlockKind Kind { get; } = kind;
    public string Label { get; private set; } = label;
    public bool Disposed { get; private set; }
    public int Attached => Volatile.Read(ref _attached);
    public long FramesOf(string stream) => _frames.GetValueOrDefault(stream);

    public IAsyncDisposable Attach(IMediaStream stream)
    {
        Interlocked.Increment(ref _attached);
        return new Reading(this, stream);
    }

    public bool TryReconfigure(StreamFeatureContext context)
    {
        if (context.Directive.Arguments.Count < 2 || context.Directive.Arguments[1].Value != "inplace") return false;
        Label = context.Directive.Arguments[0].Value;
        return true;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private sealed class Reading : IAsyncDisposable
    {
        private readonly CountingFeature _owner;
        private readonly IStreamReader _reader;
        private readonly Task _loop;

        public Reading(CountingFeature owner, IMediaStream stream)
        {
            _owner = owner;
            _reader = stream.Subscribe(new StreamReaderOptions { KeepsStreamAlive = false });
            _loop = Task.Run(async () =>
            {
                await foreach (var frame in _reader.Frames.ReadAllAsync())
                {
                    owner._frames.AddOrUpdate(stream.Name, 1, (_, n) => n + 1);
                    frame.Release();
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _reader.DisposeAsync();
            await _loop;
            Interlocked.Decrement(ref _owner._attached);
        }
    }
}
