using System.Buffers;
using Microsoft.Extensions.Logging;
using Sluice.Media.MpegTs;
using Sluice.Abstractions.Streams;

namespace Sluice.PluginTemplate.Source;

/// <summary>
/// One attempt at playing the file: opens it, reports the connection, then reads it in pooled chunks
/// through the MPEG-TS demuxer and hands tracks and frames on at the pace of their timestamps, from
/// the start again at the end, for as long as the stream wants. It returns only by failing (a missing
/// or unreadable file) or by cancellation; retries are the stream's business.
/// </summary>
internal sealed class TemplateSourceSource(TemplateSourceSourceOptions options, ILogger logger, TimeProvider time) : IMediaSource
{
    private const int ChunkSize = 64 * 1024;

    public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
    {
        await using var file = Open();
        logger.LogInformation("Playing {Path} in a loop", options.FilePath);
        output.Connected();

        using var queue = new PacedFrameQueue(output, time);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                await PlayOnceAsync(file, queue, chunk, cancellationToken);
                if (queue.FramesThisLoop == 0)
                {
                    // Looping over a file without frames would spin forever without delivering anything.
                    throw new InvalidDataException(
                        $"{options.Input}: {options.FilePath} holds no frames to play (expected MPEG-TS with H.264, H.265, AAC, MP3, MP2 or Opus)");
                }
                queue.StartNextLoop();
                file.Position = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    // Nothing outlives RunAsync: the file, the demuxer and the queued frames are released there.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private FileStream Open()
    {
        try
        {
            return new FileStream(options.FilePath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0, // reads go straight into the pooled chunk
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{options.Input}: no such file {options.FilePath}", options.FilePath, e);
        }
    }

    /// <summary>One pass over the file; a fresh demuxer, since the file starts over with its own counters and clock.</summary>
    private static async Task PlayOnceAsync(FileStream file, PacedFrameQueue queue, byte[] chunk, CancellationToken cancellationToken)
    {
        using var demuxer = new TsDemuxer(queue);
        int read;
        while ((read = await file.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken)) > 0)
        {
            // The demuxer fills the queue synchronously; the queue then waits for each frame's time.
            demuxer.Feed(chunk.AsSpan(0, read));
            await queue.DrainAsync(cancellationToken);
        }
        demuxer.Flush();
        await queue.DrainAsync(cancellationToken);
    }
}
