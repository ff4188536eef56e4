using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Lua;

/// <summary>
/// Runs the block's Lua script once per batch on a thread of its own, in one Lua state reused
/// across batches. The script is read again when the file changed. A script error or a run over
/// the time limit fails the delivery with the script's line.
/// </summary>
internal sealed class LuaSink : IEventSink
{
    /// <summary>Past the time limit the Lua hook stops the script; this extra wait covers code stuck outside the VM.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private readonly LuaSinkOptions _options;
    private readonly ILogger _logger;
    private readonly ScriptSource _source;
    private readonly string _chunkName;
    private LuaScriptHost? _host;
    private Task? _running;

    public LuaSink(LuaSinkOptions options, SinkContext context)
    {
        _options = options;
        _logger = context.Logger;
        _source = new ScriptSource(options.ScriptPath);
        _chunkName = "@" + Path.GetFileName(options.ScriptPath);
    }

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            _source.Refresh();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SinkDeliveryException($"cannot read Lua script: {e.Message}", e);
        }
        await SettlePreviousRunAsync();

        var host = _host ??= new LuaScriptHost(_options, _logger);
        var source = _source.Text;
        var run = Task.Factory.StartNew(() => host.Run(source, _chunkName, batch, _options.Timeout),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _running = run;
        // Cancelling moves the deadline to now: the hook stops the script at its next check.
        await using var abort = cancellationToken.Register(host.Abort);
        try
        {
            await run.WaitAsync(_options.Timeout + Grace, cancellationToken);
        }
        catch (LuaScriptError e)
        {
            throw new SinkDeliveryException(Describe(e.Message), e);
        }
        catch (TimeoutException)
        {
            // The state is busy on another thread: abandon it; it is closed when that run ends.
            _host = null;
            _ = run.ContinueWith(_ => host.Dispose(), TaskScheduler.Default);
            throw new SinkDeliveryException($"{_options.ScriptPath}: did not finish within {_options.Timeout.TotalSeconds:0.###} s (stuck outside Lua code)");
        }
    }

    /// <summary>A run left behind by a cancelled delivery gets a moment to stop; if it does not, its state is abandoned.</summary>
    private async Task SettlePreviousRunAsync()
    {
        if (_running is not { IsCompleted: false } previous) return;
        try { await previous.WaitAsync(Grace); }
        catch (TimeoutException)
        {
            var host = _host;
            _host = null;
            if (host is not null) _ = previous.ContinueWith(_ => host.Dispose(), TaskScheduler.Default);
        }
        catch (Exception) { /* its failure was the cancelled delivery's */ }
    }

    /// <summary>Lua's <c>name.lua:12: message</c> as <c>PATH line 12: message</c>.</summary>
    private string Describe(string luaMessage)
    {
        var prefix = _chunkName[1..] + ":";
        if (luaMessage.StartsWith(prefix, StringComparison.Ordinal))
        {
            var rest = luaMessage[prefix.Length..];
            var colon = rest.IndexOf(':');
            if (colon > 0 && int.TryParse(rest[..colon], out var line))
                return $"Lua script {_options.ScriptPath} failed at line {line}: {rest[(colon + 1)..].Trim()}";
        }
        return $"Lua script {_options.ScriptPath} failed: {luaMessage}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_running is { IsCompleted: false } running)
        {
            try { await running.WaitAsync(_options.Timeout + Grace); } catch (Exception) { /* reported by DeliverAsync */ }
        }
        if (_running is null or { IsCompleted: true }) _host?.Dispose();
        _host = null;
    }
}
