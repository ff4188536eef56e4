namespace Sluice.Host.Streams;

/// <summary>Where a stream is in its life; the API shows <see cref="StreamStates.ToName"/>.</summary>
internal enum StreamState
{
    /// <summary>An input (or a publisher) is being opened, no frame yet.</summary>
    Starting,
    /// <summary>Frames flow from an input or a publisher.</summary>
    Running,
    /// <summary>The source sent nothing for <c>source_timeout</c> (it has not been dropped yet).</summary>
    TimedOut,
    /// <summary>Waiting for a publisher, or for the next attempt after a failure.</summary>
    Waiting,
    /// <summary>The <c>backup</c> file plays while every input is lost.</summary>
    Backup,
    /// <summary>Gave up after <c>retry_limit</c> failures in a row (until a reload or an API stop).</summary>
    Failed,
    Stopped,
}

internal static class StreamStates
{
    /// <summary>The lower-case name the API and tests show: <c>starting</c>, <c>running</c>, <c>timed_out</c>, ...</summary>
    public static string ToName(this StreamState state) => state switch
    {
        StreamState.Starting => "starting",
        StreamState.Running => "running",
        StreamState.TimedOut => "timed_out",
        StreamState.Waiting => "waiting",
        StreamState.Backup => "backup",
        StreamState.Failed => "failed",
        _ => "stopped",
    };
}
