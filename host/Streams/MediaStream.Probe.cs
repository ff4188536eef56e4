using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>Probing an earlier input while a later one (or the backup file) plays, to switch back once it delivers again.</summary>
internal sealed partial class MediaStream
{
    /// <summary>
    /// Opens input <paramref name="target"/> on the side, without touching the stream, for at most <c>source_timeout</c>:
    /// true once it delivers a keyframe (a video one when it has video).
    /// </summary>
    private async Task<bool> ProbeAsync(StreamOptions options, int target, CancellationToken stop)
    {
        var input = options.Inputs[target];
        if (SourceFactories.Claiming(_factories, input.Url) is not { } factory) return false;
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(stop);
        probe.CancelAfter(options.SourceTimeout);
        var output = new ProbeOutput();
        IMediaSource? source = null;
        try
        {
            source = factory.Create(SourceFactories.Context(Name, input, _settings.ConfigDirectory, new DiagnosticList(), _settings.Services, _settings.Time, _log));
            var created = source;
            var run = Task.Run(() => created.RunAsync(output, probe.Token), CancellationToken.None);
            await Task.WhenAny(run, output.Keyframe.Task, Task.Delay(Timeout.Infinite, probe.Token));
            var ok = output.Keyframe.Task.IsCompleted;
            probe.Cancel();
            await run.WaitAsync(_settings.SourceStopTimeout, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            _log.LogDebug("stream {Stream}: probe of input {Url}: {Result}", Name, input.DisplayUrl, ok ? "delivers" : "silent");
            return ok;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
        finally
        {
            if (source is not null)
            {
                try { await source.DisposeAsync(); } catch (Exception e) when (e is not OutOfMemoryException) { }
            }
        }
    }

    /// <summary>Where a probe of the primary writes: it only waits for a keyframe and keeps nothing.</summary>
    private sealed class ProbeOutput : ISourceOutput
    {
        private volatile bool _hasVideo;

        public TaskCompletionSource Keyframe { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Connected() { }

        public void OnTrack(TrackInfo track)
        {
            if (track.Kind == MediaKind.Video) _hasVideo = true;
        }

        public void OnFrame(in MediaFrame frame)
        {
            if (frame.IsKeyframe && (frame.Kind == MediaKind.Video || !_hasVideo)) Keyframe.TrySetResult();
        }
    }
}
