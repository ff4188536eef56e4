using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.JavaScript;

/// <summary>
/// Runs the block's script once per batch in a Node.js worker started on first use and started
/// again after it died. Over the time limit the worker is killed and the delivery fails; the
/// next batch gets a fresh worker. The script is sent again when its file changed.
/// </summary>
internal sealed class JsSink(JsSinkOptions options, SinkContext context) : IEventSink
{
    private readonly ILogger _logger = context.Logger;
    private readonly ScriptSource _source = new(options.ScriptPath);
    private NodeWorker? _worker;

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            _source.Refresh();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SinkDeliveryException($"cannot read JavaScript script: {e.Message}", e);
        }
        if (_worker is { HasExited: true } dead)
        {
            _worker = null;
            await dead.DisposeAsync();
        }
        try
        {
            _worker ??= await NodeWorker.StartAsync(options, _logger, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException($"cannot start Node.js ({options.NodePath}): {e.Message}", e);
        }

        var worker = _worker;
        var source = worker.SourceVersion == _source.Version ? null : _source.Text;
        worker.SourceVersion = _source.Version;
        (string? Error, int? Line) result;
        try
        {
            result = await worker.RunAsync(source, batch, options.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await DropWorkerAsync();
            throw new SinkDeliveryException($"JavaScript script {options.ScriptPath} did not finish within {options.Timeout.TotalSeconds:0.###} s; its worker was killed");
        }
        catch (IOException e)
        {
            await DropWorkerAsync();
            throw new SinkDeliveryException($"JavaScript script {options.ScriptPath}: {e.Message}", e);
        }
        catch (OperationCanceledException)
        {
            await DropWorkerAsync(); // a half-run batch must not finish behind the router's back
            throw;
        }
        if (result.Error is null) return;
        if (worker.HasExited) await DropWorkerAsync();
        throw new SinkDeliveryException(result.Line is { } line
            ? $"JavaScript script {options.ScriptPath} failed at line {line}: {result.Error}"
            : $"JavaScript script {options.ScriptPath} failed: {result.Error}");
    }

    private async Task DropWorkerAsync()
    {
        if (_worker is not { } worker) return;
        _worker = null;
        await worker.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await DropWorkerAsync();
}
