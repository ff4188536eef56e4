using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;

namespace Sluice.PluginTemplate.Sink;

/// <summary>
/// Appends each event of a batch to a file as one JSON line, flushed once per batch. The host's
/// router calls it one batch at a time and resends a batch that threw, so delivery is at least once.
/// </summary>
internal sealed class TemplateSinkSink(TemplateSinkSinkOptions options, ILogger logger) : IEventSink
{
    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    private FileStream? _file;

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            var file = _file ??= Open();
            foreach (var evt in batch)
            {
                // The event's JSON is built once and shared by every sink that receives it.
                await file.WriteAsync(evt.Utf8Json, cancellationToken);
                await file.WriteAsync(NewLine, cancellationToken);
            }
            await file.FlushAsync(cancellationToken);
            if (options.Fsync) file.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reopen on the next batch: the file may have been moved away or its disk freed.
            await CloseAsync();
            throw new SinkDeliveryException($"cannot append to {options.FilePath}: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => CloseAsync();

    private FileStream Open()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(options.FilePath)!);
        var file = new FileStream(options.FilePath, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            Options = FileOptions.Asynchronous,
            BufferSize = 64 * 1024,
        });
        logger.LogInformation("Appending events to {Path}", options.FilePath);
        return file;
    }

    private async ValueTask CloseAsync()
    {
        // Released on dispose so the plugin can be unloaded (and the file moved) once the block is gone.
        if (_file is { } file)
        {
            _file = null;
            await file.DisposeAsync();
        }
    }
}
