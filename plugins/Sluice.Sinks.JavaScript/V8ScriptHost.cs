using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ClearScript;
using Microsoft.ClearScript.V8;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.JavaScript;

/// <summary>The end of one run: done, failed (message and script line), or stopped by a limit.</summary>
internal readonly record struct RunOutcome(RunOutcomeKind Kind, string? Message = null, int? Line = null);

internal enum RunOutcomeKind { Done, Failed, Interrupted, OutOfMemory, NeverSettled }

/// <summary>
/// One V8 runtime (heap) per sink with one engine (context) in it, used by one thread at a time.
/// The heap is limited by ClearScript's monitor with <see cref="V8RuntimeViolationPolicy.Exception"/>
/// (the run fails, the runtime stays usable; the monitor is armed again before each run, and a run
/// whose monitor tripped is interrupted by the sink's watchdog even if the script caught the error) inside a
/// hard V8 limit well above it; ArrayBuffers are capped by the same size. The engine is reused
/// across batches (the prelude clears the globals a batch left) and replaced after a run that was
/// interrupted or ran out of memory.
/// </summary>
internal sealed partial class V8ScriptHost : IDisposable
{
    private const string PreludeName = "sluice-prelude.js";
    private const string MemoryViolation = "exceeded its memory limit";
    private static readonly string PreludeText = ReadPrelude();
    private readonly V8Runtime _runtime;
    private readonly V8Script _prelude;
    private readonly Func<string, string, string> _hostCall;
    private readonly long _memoryLimit;
    private readonly string _documentName;
    private volatile V8ScriptEngine? _engine;
    private volatile bool _memoryTripped;
    private volatile bool _inRun;
    private ScriptObject? _runner;
    private V8Script? _script;
    private int _scriptVersion = -1;
    private RunOutcome? _compileError;
    private ScriptObject? _function;

    public V8ScriptHost(string scriptPath, long memoryLimit, Func<string, string, string> hostCall)
    {
        _memoryLimit = memoryLimit;
        _hostCall = hostCall;
        _documentName = Path.GetFileName(scriptPath);
        var mib = (int)Math.Min(int.MaxValue, memoryLimit >> 20);
        _runtime = new V8Runtime("sluice-js", new V8RuntimeConstraints
        {
            // The hard limit (V8 ends the process past it) leaves room for the monitor's sampling delay.
            MaxOldSpaceSize = mib * 4 + 64,
            MaxArrayBufferAllocation = (ulong)memoryLimit,
        })
        {
            HeapSizeViolationPolicy = V8RuntimeViolationPolicy.Exception,
            MaxStackUsage = 1 << 20,
        };
        _prelude = _runtime.Compile(new DocumentInfo(PreludeName), PreludeText);
    }

    /// <summary>Runs the script over one batch (events and args as JSON text). Call from one thread at a time.</summary>
    public RunOutcome Run(ScriptSource source, string eventsJson, string argsJson)
    {
        RearmMemoryLimit();
        if (source.Version != _scriptVersion) Compile(source);
        if (_compileError is { } error) return error;
        _inRun = true;
        try
        {
            var runner = EnsureEngine();
            _function ??= (ScriptObject)_engine!.Evaluate(_script!);
            runner.InvokeMethod("run", _function, eventsJson, argsJson);
            var outcome = (string)runner.InvokeMethod("outcome");
            if (outcome == "ok") return new RunOutcome(RunOutcomeKind.Done);
            if (outcome == "pending") return new RunOutcome(RunOutcomeKind.NeverSettled, "the script awaits a promise that never settles");
            using var doc = JsonDocument.Parse(outcome);
            var line = doc.RootElement.GetProperty("line");
            var message = doc.RootElement.GetProperty("message").GetString();
            if (message?.Contains(MemoryViolation, StringComparison.Ordinal) == true)
            {
                // The violation reached the script as an exception (the async function turned it into a rejection).
                DropEngine();
                return new RunOutcome(RunOutcomeKind.OutOfMemory);
            }
            return new RunOutcome(RunOutcomeKind.Failed, message, line.ValueKind == JsonValueKind.Number ? line.GetInt32() : null);
        }
        catch (ScriptInterruptedException)
        {
            DropEngine();
            return new RunOutcome(_memoryTripped ? RunOutcomeKind.OutOfMemory : RunOutcomeKind.Interrupted);
        }
        catch (ScriptEngineException e) when (e.Message.Contains(MemoryViolation, StringComparison.Ordinal))
        {
            DropEngine();
            return new RunOutcome(RunOutcomeKind.OutOfMemory);
        }
        catch (ScriptEngineException e)
        {
            DropEngine();
            return new RunOutcome(RunOutcomeKind.Failed, e.Message, LineOf(e.ErrorDetails));
        }
        finally
        {
            _inRun = false;
        }
    }

    /// <summary>Arms ClearScript's heap monitor (before each run): a violation disarms it, its limit then reads 0.</summary>
    private void RearmMemoryLimit()
    {
        _memoryTripped = false;
        _runtime.MaxHeapSize = (UIntPtr)_memoryLimit;
    }

    /// <summary>How often the sink's watchdog looks at the run (time limit, heap monitor).</summary>
    public static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Called by the watchdog (another thread) during a run. The heap monitor's violation reaches the
    /// script as an exception, which a script can catch and go on allocating, unwatched, up to V8's
    /// hard limit (which ends the process). So once the monitor tripped (its limit reads 0) the run is
    /// interrupted, which no script can catch, and ends as out of memory.
    /// </summary>
    public void InterruptIfOutOfMemory()
    {
        try
        {
            if (_runtime.MaxHeapSize != UIntPtr.Zero) return;
            _memoryTripped = true;
            Interrupt();
        }
        catch (ObjectDisposedException) { /* the sink is gone */ }
    }

    /// <summary>Stops the running script at once (any thread); its run returns <see cref="RunOutcomeKind.Interrupted"/>.</summary>
    public void Interrupt()
    {
        // Only while a run is in progress: an interrupt that reached an idle engine could stop the next batch.
        if (!_inRun) return;
        try { _engine?.Interrupt(); }
        catch (ObjectDisposedException) { /* the run ended meanwhile */ }
    }

    /// <summary>The file is the body of an async function (top-level await works); line 1 stays line 1.</summary>
    private void Compile(ScriptSource source)
    {
        _scriptVersion = source.Version;
        _function = null;
        _compileError = null;
        try
        {
            _script?.Dispose();
            _script = _runtime.Compile(new DocumentInfo(_documentName), "(async function (events, args) {" + source.Text + "\n})");
        }
        catch (ScriptEngineException e)
        {
            _script = null;
            _compileError = new RunOutcome(RunOutcomeKind.Failed, e.Message, LineOf(e.ErrorDetails));
        }
    }

    private ScriptObject EnsureEngine()
    {
        if (_engine is not null && _runner is not null) return _runner;
        var engine = _runtime.CreateScriptEngine(V8ScriptEngineFlags.DisableGlobalMembers);
        try
        {
            var install = (ScriptObject)engine.Evaluate(_prelude);
            _runner = (ScriptObject)install.Invoke(false, _hostCall, PreludeName);
            _engine = engine;
            return _runner;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private void DropEngine()
    {
        var engine = _engine;
        _engine = null;
        _runner = null;
        _function = null;
        engine?.Dispose();
    }

    /// <summary>The script's line in V8's error details (<c>at name.js:LINE:COL</c>; ClearScript may add <c> [N]</c> to the name).</summary>
    private int? LineOf(string? details)
    {
        if (details is null) return null;
        foreach (Match m in FrameLine().Matches(details))
        {
            if (!m.Groups[1].Value.StartsWith(PreludeName, StringComparison.Ordinal)) return int.Parse(m.Groups[2].Value);
        }
        return null;
    }

    [GeneratedRegex(@"at (?:[^\r\n]*?\()?([^()\r\n]+?):(\d+):\d+")]
    private static partial Regex FrameLine();

    private static string ReadPrelude()
    {
        using var stream = typeof(V8ScriptHost).Assembly.GetManifestResourceStream("Sluice.Sinks.JavaScript.Prelude.js")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        DropEngine();
        _script?.Dispose();
        _prelude.Dispose();
        _runtime.Dispose();
    }
}
