using Microsoft.Extensions.Logging;

namespace Sluice.Host.Streams;

/// <summary>
/// What an operator watching the console learns about a stream's source: one line per change of state
/// (lost, failed over, silent, back), never one per retry: while the source stays down the retries are
/// logged at debug level only. Events say the same in detail; this is the human summary.
/// </summary>
internal sealed class SourceStateLog(string stream, ILogger log, TimeProvider time)
{
    private readonly object _gate = new();
    private bool _down;
    private bool _everDelivered;
    private int _failures;
    private DateTimeOffset _downSince;

    /// <summary>An attempt ended without the stream being stopped: the first failure after frames (or at start) is a warning.</summary>
    public void Failed(string url, string reason, string? error, string? next)
    {
        var detail = error is null ? reason : $"{reason}: {error}";
        var then = next is null ? "retrying" : $"trying {next}";
        bool delivered;
        lock (_gate)
        {
            delivered = _everDelivered;
            _failures++;
            if (_down)
            {
                log.LogDebug("stream {Stream}: source {Url} failed again ({Detail}); {Then} (attempt {Attempt})", stream, url, detail, then, _failures);
                return;
            }
            _down = true;
            _downSince = time.GetUtcNow();
        }
        log.LogWarning("stream {Stream}: source {Url} {Lost} ({Detail}); {Then}", stream, url, delivered ? "lost" : "failed", detail, then);
    }

    /// <summary>An input delivers its first frame.</summary>
    public void Delivering(string url, int input, int inputs)
    {
        int failures;
        TimeSpan down;
        lock (_gate)
        {
            var wasDown = _down;
            failures = _failures;
            down = wasDown ? time.GetUtcNow() - _downSince : TimeSpan.Zero;
            (_down, _failures, _everDelivered) = (false, 0, true);
            if (!wasDown && input == 0) return; // the normal start: the stream_started/source_started events say it
        }
        if (input > 0)
            log.LogWarning("stream {Stream}: running on input {Input} of {Inputs}, {Url} (failed over after {Failures} failed attempts)",
                stream, input + 1, inputs, url, failures);
        else
            log.LogInformation("stream {Stream}: source {Url} back after {Down:0.#} s and {Failures} failed attempts", stream, url, down.TotalSeconds, failures);
    }

    public void Backup(string file) =>
        log.LogWarning("stream {Stream}: playing the backup {File} while the source is lost", stream, file);

    public void PrimaryBack(string primary, string from) =>
        log.LogInformation("stream {Stream}: primary {Url} delivers again; leaving {From}", stream, primary, from);

    public void Silent(string url, TimeSpan timeout) =>
        log.LogWarning("stream {Stream}: no frames from {Url} for {Seconds:0.#} s", stream, url, timeout.TotalSeconds);

    public void Restored(string url) =>
        log.LogInformation("stream {Stream}: frames from {Url} again", stream, url);

    public void GaveUp(int failures) =>
        log.LogError("stream {Stream}: {Failures} failed attempts in a row, giving up until reload or API stop", stream, failures);
}
