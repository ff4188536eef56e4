using System.Collections.Concurrent;

namespace Sluice.Sinks.JavaScript;

/// <summary>
/// One thread of the sink's own that runs its scripts, one at a time, with a stack large enough
/// for V8 (whose own limit is set lower). Ends when disposed, after the work in hand, so nothing
/// of the plugin keeps running once its sink is gone.
/// </summary>
internal sealed class ScriptThread : IDisposable
{
    private const int StackSize = 16 << 20;
    private readonly BlockingCollection<Action> _work = new();

    public ScriptThread(string name)
    {
        var thread = new Thread(Loop, StackSize) { IsBackground = true, Name = name };
        thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    private void Loop()
    {
        foreach (var item in _work.GetConsumingEnumerable()) item();
        _work.Dispose();
    }

    public void Dispose() => _work.CompleteAdding();
}
