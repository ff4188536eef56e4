using System.Diagnostics;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;
using Sluice.Abstractions.Streams;
using Sluice.Streams.Tests.Support;

namespace Sluice.Streams.Tests;

/// <summary>A stream fed by a real MPEG-TS file made by ffmpeg, demuxed by Sluice.Media's TsDemuxer.</summary>
public sealed class RealMediaTests
{
    /// <summary><c>tsfile:///abs/path.ts</c>: plays a transport stream file once, after <see cref="Go"/>.</summary>
    private sealed class TsFileFactory : IMediaSourceFactory
    {
        private int _attempts;

        public TaskCompletionSource Go { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The stream reopens an input that ended; only the first attempt plays the file, so the test sees one pass.</summary>
        public bool FirstAttempt() => Interlocked.Increment(ref _attempts) == 1;

        public string Name => "tsfile";
        public IReadOnlyList<string> Schemes { get; } = ["tsfile"];
        public void Validate(SourceContext context)
        {
            if (!File.Exists(context.Url.LocalPath)) context.Error($"no file {context.Url.LocalPath}");
        }
        public IMediaSource Create(SourceContext context) => new Source(this, context.Url.LocalPath);

        private sealed class Source(TsFileFactory factory, string path) : IMediaSource
        {
            public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
            {
                await factory.Go.Task.WaitAsync(cancellationToken);
                if (!factory.FirstAttempt()) await Task.Delay(Timeout.Infinite, cancellationToken);
                await using var file = File.OpenRead(path);
                output.Connected();
                using var demuxer = new TsDemuxer(output);
                var buffer = new byte[188 * 7];
                int n;
                while ((n = await file.ReadAsync(buffer, cancellationToken)) > 0) demuxer.Feed(buffer.AsSpan(0, n));
                demuxer.Flush();
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_file_made_by_ffmpeg_reports_its_real_media_info_and_reaches_a_reader_frame_for_frame()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "clip.ts");
        Ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "25",
            "-c:a", "aac", "-ac", "2", "-f", "mpegts", path);

        var factory = new TsFileFactory();
        var events = new CollectingEmitter();
        var contributions = new TestContributions(factory);
        await using var registry = new Sluice.Host.Streams.StreamRegistry(events, contributions, settings: StreamsFixture.FastSettings);
        var loaded = new Sluice.Host.Configuration.ConfigLoader([new Sluice.Host.Streams.StreamsConfigSection(contributions)], contributions)
            .LoadString($"stream clip {{ input tsfile://{path}; }}", "t.conf", dir.Path);
        Assert.True(loaded.Succeeded, loaded.Format());
        await registry.ApplyAsync(loaded.Configuration!, CancellationToken.None);
        var stream = registry.Find("clip")!;
        await using var reader = stream.Subscribe(new StreamReaderOptions { Capacity = 4096 });
        factory.Go.SetResult();

        var closed = await events.WaitFor("source_closed", "clip", timeoutMs: 15_000);
        Assert.Equal("eof", closed["reason"]);
        var infos = events.Of("clip").Where(e => e.Name == "stream_media_info").ToArray();
        Assert.True(infos.Length == 1, string.Join(" | ", events.Of("clip")));
        var info = infos[0];
        Assert.Equal(("h264", "320", "180", "aac", "48000", "2"),
            (info["video_codec"], info["width"], info["height"], info["audio_codec"], info["sample_rate"], info["channels"]));

        var video = new List<(long Dts, bool Key)>();
        var audio = 0;
        while (reader.Frames.TryRead(out var frame))
        {
            if (frame.Kind == MediaKind.Video) video.Add((frame.Dts, frame.IsKeyframe));
            else audio++;
            frame.Release();
        }
        Assert.Equal(0, reader.Dropped);
        Assert.Equal(50, video.Count); // 2 s at 25 fps
        Assert.Equal([0, 25], video.Select((v, i) => (v, i)).Where(x => x.v.Key).Select(x => x.i)); // GOP 25
        Assert.All(video.Zip(video.Skip(1)), p => Assert.Equal(3600, p.Second.Dts - p.First.Dts));
        Assert.InRange(audio, 90, 96); // 2 s of 1024-sample frames at 48 kHz: ~94
    }

    private static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-hide_banner", "-v", "error", "-y", .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); Assert.Fail("ffmpeg did not finish"); }
        Assert.True(p.ExitCode == 0, stderr.Result);
    }
}
