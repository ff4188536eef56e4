namespace Sluice.Abstractions.Cluster;

/// <summary>
/// Where a stream is captured, for protocols that redirect viewers (HLS and MPEG-TS answer 302 to the
/// same path on that server; RTMP play rejects the connect with a redirect). A host service, in
/// <see cref="Plugins.IPluginBuilder.HostServices"/>.
/// </summary>
public interface IStreamLocator
{
    /// <summary>
    /// The server a viewer of <paramref name="stream"/> should go to, or null when this server serves it
    /// itself: not a cluster stream, captured here, or captured nowhere known now.
    /// </summary>
    ClusterNode? CapturedElsewhere(string stream);
}
