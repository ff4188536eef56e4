namespace Sluice.Host.Streams;

/// <summary>
/// What the registry asks before it opens a stream's input: may this server capture it (cluster ingest), and a
/// stream it does not have, pulled from an origin. Implemented by host/Cluster's CaptureGate; declared here so that
/// Streams needs nothing of Cluster.
/// </summary>
internal interface ICaptureGate
{
    /// <summary>Set by the registry: called when the answers may have changed (the cluster's placement moved).</summary>
    Func<Task>? Reconcile { get; set; }

    bool MayCapture(string stream);

    StreamOptions? PullOptions(string name);
}

/// <summary>No cluster: every stream is captured here, nothing is pulled.</summary>
internal sealed class LocalCapture : ICaptureGate
{
    public Func<Task>? Reconcile { get; set; }

    public bool MayCapture(string stream) => true;

    public StreamOptions? PullOptions(string name) => null;
}
