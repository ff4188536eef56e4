using Sluice.Host.Configuration;

namespace Sluice.Host.Api;

/// <summary>
/// What the running server is now, as the API and middleware read it: the core options and access policy in force
/// (replaced whole when a configuration applies) and when the listeners came up.
/// </summary>
internal sealed class ServerState(TimeProvider time)
{
    private volatile CoreOptions _core = new();
    private volatile ApiAccessPolicy _access = ApiAccessPolicy.Open;

    public CoreOptions Core { get => _core; set => _core = value; }

    public ApiAccessPolicy Access { get => _access; set => _access = value; }

    /// <summary>When the listeners came up: <c>uptime</c> counts from here, not from the process start
    /// (under <c>./run.sh</c> the process is the shell that ran the build before exec).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public TimeSpan Uptime => StartedAt == default ? TimeSpan.Zero : time.GetUtcNow() - StartedAt;

    public void Started() => StartedAt = time.GetUtcNow();
}
