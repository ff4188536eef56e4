using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Log;

/// <summary>
/// Appends each event as one line (its JSON, or the text form), buffered, flushed to disk at the end
/// of every batch. SIGUSR1 asks every log sink to reopen its file at the next batch.
/// </summary>
internal sealed class LogSink : IEventSink
{
    private const int SigUsr1 = 10; // Linux
    private readonly LogSinkOptions _options;
    private readonly LogFile _file;
    private readonly PosixSignalRegistration? _reopenSignal;
    private readonly StringBuilder _text = new(256);
    private readonly Encoder _utf8 = new UTF8Encoding(false).GetEncoder();
    private volatile bool _reopenRequested;

    public LogSink(LogSinkOptions options)
    {
        _options = options;
        _file = new LogFile(options.Path);
        _reopenSignal = RegisterReopenSignal();
    }

    public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            var force = _reopenRequested;
            _reopenRequested = false;
            _file.EnsureOpen(force);
            var stream = _file.Stream;
            foreach (var evt in batch)
            {
                if (_options.Format == LogFormat.Json) stream.Write(evt.Utf8Json.Span);
                else WriteText(stream, evt);
                stream.WriteByte((byte)'\n');
            }
            stream.Flush(flushToDisk: true);
            return ValueTask.CompletedTask;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _file.Close(); // reopen at the next batch
            throw new SinkDeliveryException($"cannot write {_options.Path}: {e.Message}", e);
        }
    }

    private void WriteText(FileStream stream, SluiceEvent evt)
    {
        _text.Clear();
        EventText.Append(_text, evt);
        var max = Encoding.UTF8.GetMaxByteCount(_text.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = 0;
            foreach (var chunk in _text.GetChunks()) n += _utf8.GetBytes(chunk.Span, buffer.AsSpan(n), flush: false);
            n += _utf8.GetBytes([], buffer.AsSpan(n), flush: true);
            stream.Write(buffer, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// SIGUSR1 is not a named <see cref="PosixSignal"/>, but the runtime accepts a raw number on Unix;
    /// cancelling keeps the default action (terminate) from running.
    /// </summary>
    private PosixSignalRegistration? RegisterReopenSignal()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return PosixSignalRegistration.Create((PosixSignal)SigUsr1, ctx =>
            {
                ctx.Cancel = true;
                _reopenRequested = true;
            });
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException or ArgumentException)
        {
            return null; // the per-batch rotation check still applies
        }
    }

    public ValueTask DisposeAsync()
    {
        _reopenSignal?.Dispose();
        _file.Dispose();
        return ValueTask.CompletedTask;
    }
}
