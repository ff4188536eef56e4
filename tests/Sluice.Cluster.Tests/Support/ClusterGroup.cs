using System.Diagnostics;
using System.Net;
using System.Text;
using ClusterStream = Sluice.Abstractions.Cluster.ClusterStream;
using Rendezvous = Sluice.Abstractions.Cluster.Rendezvous;

namespace Sluice.Cluster.Tests.Support;

/// <summary>
/// N servers on 127.0.0.1, 127.0.0.2, ... (one port, free on every address) with the same stream list and peer
/// lines (or the same etcd engine), each in its own folder, plus the bounded waits and the sampling the tests assert on.
/// </summary>
internal sealed class ClusterGroup : IAsyncDisposable
{
    public const string Key = "t0p-s3cret-key";

    private ClusterGroup(IReadOnlyList<ClusterNode> nodes) => Nodes = nodes;

    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>Streams with inputs that cost nothing (UDP on loopback ports nobody sends to): capture is what the API says.</summary>
    public static string UdpStreams(int count, int firstPort, IReadOnlyDictionary<string, string>? captureAt = null)
    {
        var sb = new StringBuilder();
        foreach (var (s, i) in StreamList(count, captureAt).Select((s, i) => (s, i + 1)))
            sb.Append($"stream {s.Name} {{ input udp://127.0.0.1:{firstPort + i}; cluster_ingest{(s.CaptureAt is { } at ? " capture_at=" + at : "")}; }}\n");
        return sb.ToString();
    }

    /// <summary>The cluster streams <see cref="UdpStreams"/> writes: cam01, cam02, ... with their capture_at.</summary>
    public static IReadOnlyList<ClusterStream> StreamList(int count, IReadOnlyDictionary<string, string>? captureAt = null) =>
        Enumerable.Range(1, count).Select(i => $"cam{i:00}").Select(n => new ClusterStream(n, captureAt?.GetValueOrDefault(n))).ToArray();

    /// <summary>
    /// The group has settled where the rule puts it: <paramref name="servers"/> servers answer, each sees exactly
    /// the answering servers alive, all name the same server for every stream, that server is the rendezvous owner
    /// among them (capture_at first), and it alone captures the stream. What "back to normal" means after any fault.
    /// </summary>
    public static bool Settled(IReadOnlyList<(ClusterNode Node, ClusterView View)> views, int servers, IReadOnlyList<ClusterStream> streams)
    {
        if (views.Count != servers) return false;
        var live = views.Select(v => v.Node.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (_, view) in views)
            if (!view.Peers.Where(p => p.Value).Select(p => p.Key).ToHashSet(StringComparer.Ordinal).SetEquals(live)) return false;
        foreach (var stream in streams)
        {
            var owner = Rendezvous.Owner(stream, live);
            foreach (var (node, view) in views)
                if (!view.Streams.TryGetValue(stream.Name, out var s) || s.Server != owner || s.Here != (node.Name == owner)) return false;
        }
        return true;
    }

    /// <summary>The server that captures the most streams in <paramref name="views"/> (a share can be empty: rendezvous is uneven on few streams).</summary>
    public static ClusterNode Busiest(IReadOnlyList<(ClusterNode Node, ClusterView View)> views) =>
        views.OrderByDescending(v => v.View.CapturedHere.Count()).ThenBy(v => v.Node.Name, StringComparer.Ordinal).First().Node;

    /// <summary>The views the last <see cref="WaitAsync"/> saw when its condition held.</summary>
    public IReadOnlyList<(ClusterNode Node, ClusterView View)> LastViews { get; private set; } = [];

    /// <summary>Peer lines for the servers, with short timeouts (milliseconds).</summary>
    public static string Peers(IEnumerable<string> names, int fetchMs, int staleMs) =>
        $"cluster_key {Key};\n" + string.Concat(names.Select(n => $"peer {n} {{ fetch_timeout {fetchMs}; stale_timeout {staleMs}; }}\n"));

    /// <summary><paramref name="count"/> servers' names: 127.0.0.1:P, 127.0.0.2:P, ... with a port P free on each address.</summary>
    public static string[] Names(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = FreePort.Tcp();
            if (Enumerable.Range(2, count - 1).All(i => IsFree(IPAddress.Parse($"127.0.0.{i}"), port)))
                return Enumerable.Range(1, count).Select(i => $"127.0.0.{i}:{port}").ToArray();
        }
        throw new InvalidOperationException("no port free on 127.0.0.1.." + count);
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException) { return false; }
    }

    public static Task<ClusterGroup> StartAsync(IReadOnlyList<string> names, Func<string, string> config, string? pluginsDir = null) =>
        StartAsync(names, config, _ => pluginsDir);

    /// <summary>Each server with its own plugins folder (<paramref name="pluginsDir"/> of its name), for tests that swap one server's plugin.</summary>
    public static async Task<ClusterGroup> StartAsync(IReadOnlyList<string> names, Func<string, string> config, Func<string, string?> pluginsDir)
    {
        var nodes = names.Select(n => new ClusterNode(n, config(n), pluginsDir(n))).ToArray();
        var group = new ClusterGroup(nodes);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
        return group;
    }

    public ClusterNode this[int i] => Nodes[i];

    /// <summary>Every answering server's view.</summary>
    public async Task<IReadOnlyList<(ClusterNode Node, ClusterView View)>> ViewsAsync()
    {
        var views = await Task.WhenAll(Nodes.Select(async n => (n, await n.ViewAsync())));
        return views.Where(v => v.Item2 is not null).Select(v => (v.n, v.Item2!)).ToArray();
    }

    /// <summary>How many answering servers capture <paramref name="stream"/>.</summary>
    public static int Captures(IEnumerable<(ClusterNode Node, ClusterView View)> views, string stream) =>
        views.Count(v => v.View.Streams.TryGetValue(stream, out var s) && s.Here);

    /// <summary>Polls until <paramref name="condition"/> holds for the views, at most <paramref name="timeout"/>; returns the time it took.</summary>
    public async Task<TimeSpan> WaitAsync(Func<IReadOnlyList<(ClusterNode Node, ClusterView View)>, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<(ClusterNode, ClusterView)> last = [];
        while (clock.Elapsed < timeout)
        {
            last = await ViewsAsync();
            if (condition(last))
            {
                LastViews = last;
                return clock.Elapsed;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what} not within {timeout.TotalSeconds:0.#} s; last views:\n"
            + string.Join("\n", last.Select(v => $"{v.Item1.Name}: captures [{string.Join(",", v.Item2.CapturedHere.Order())}], peers {string.Join(",", v.Item2.Peers.Select(p => p.Key + "=" + p.Value))}, "
                + $"placement {string.Join(",", v.Item2.Streams.Select(p => p.Key + "@" + p.Value.Server))}"))
            + "\n--- logs ---\n" + string.Join("\n=====\n", Nodes.Select(n => n.Name + "\n" + Tail(n.Output))));
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    /// <summary>Samples every 100 ms while <paramref name="action"/> runs: the most servers that captured a stream at once.</summary>
    public Task<(T Result, int MaxCaptures)> SampleWhileAsync<T>(string stream, Func<Task<T>> action) => SampleWhileAsync([stream], action);

    /// <summary>
    /// Samples every 100 ms while <paramref name="action"/> runs (the first sample is taken before it starts, the
    /// last after it ends): the most servers that captured any of the streams at once. Fails when fewer than
    /// <paramref name="minSamples"/> samples were taken, so that a starved sampler cannot pass for "never twice".
    /// </summary>
    public async Task<(T Result, int MaxCaptures)> SampleWhileAsync<T>(IReadOnlyList<string> streams, Func<Task<T>> action, int minSamples = 3)
    {
        var max = 0;
        var samples = 0;
        async Task SampleAsync()
        {
            var views = await ViewsAsync();
            foreach (var stream in streams) max = Math.Max(max, Captures(views, stream));
            samples++;
        }
        await SampleAsync();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { return; }
                await SampleAsync();
            }
        });
        T result;
        try
        {
            result = await action();
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
        }
        await SampleAsync();
        if (samples < minSamples) throw new InvalidOperationException($"only {samples} samples taken: the sampler was starved");
        return (result, max);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
    }
}
