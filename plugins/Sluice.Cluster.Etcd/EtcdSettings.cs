using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;

namespace Sluice.Cluster.Etcd;

/// <summary>
/// <c>cluster_ingest_engine etcd://HOST:PORT[,HOST:PORT...] { lease_ttl DURATION; prefix PATH; }</c>: the
/// etcd endpoints, the TTL of each server's lease (default 5 s, at least 2 s: etcd's own minimum) and the
/// key prefix the group shares (default <c>/sluice/</c>; several groups can share one etcd with their own).
/// </summary>
internal sealed record EtcdSettings(IReadOnlyList<Uri> Endpoints, TimeSpan LeaseTtl, string Prefix)
{
    public static readonly TimeSpan DefaultLeaseTtl = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinLeaseTtl = TimeSpan.FromSeconds(2), MaxLeaseTtl = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long before the lease could expire at etcd this server stops capturing: the validity counts from
    /// when a renewal was sent, so it ends a third of the TTL before etcd could drop the lease.
    /// </summary>
    public TimeSpan Margin => LeaseTtl / 3;

    /// <summary>Renewals are sent four times per TTL: one lost renewal never ends the lease.</summary>
    public TimeSpan KeepAliveInterval => LeaseTtl / 4;

    /// <summary>How often the members and owners are read and streams claimed or released.</summary>
    public TimeSpan PollInterval => LeaseTtl / 4 < TimeSpan.FromMilliseconds(500) ? LeaseTtl / 4 : TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The deadline of one request to etcd: half the TTL, at least 1 s (a loaded etcd answers a grant or a
    /// range in hundreds of milliseconds). Renewals have their own: the time the lease has left here.
    /// </summary>
    public TimeSpan RequestTimeout => LeaseTtl / 2 < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : LeaseTtl / 2;

    public string NodesPrefix => Prefix + "nodes/";

    public string StreamsPrefix => Prefix + "streams/";

    /// <summary>The connection string dotnet-etcd takes: <c>http://h1:p1,http://h2:p2</c>.</summary>
    public string ConnectionString => string.Join(",", Endpoints.Select(e => e.GetLeftPart(UriPartial.Authority)));

    public static EtcdSettings? Bind(ClusterContext context)
    {
        var diag = context.Diagnostics;
        var ok = true;
        var endpoints = new List<Uri>();
        var spec = context.Spec;
        const string scheme = "etcd://";
        if (!spec.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            context.Error($"the etcd engine expects etcd://HOST:PORT[,HOST:PORT...], got '{SecretText.Redact(spec)}'");
            return null;
        }
        foreach (var part in spec[scheme.Length..].TrimEnd('/').Split(','))
        {
            if (Uri.TryCreate("http://" + part.Trim(), UriKind.Absolute, out var url) && !url.IsDefaultPort && url.AbsolutePath == "/" && url.UserInfo.Length == 0)
                endpoints.Add(url);
            else
            {
                context.Error($"the etcd engine expects etcd://HOST:PORT[,HOST:PORT...]: '{SecretText.Redact(part)}' is not HOST:PORT");
                ok = false;
            }
        }
        var ttl = DefaultLeaseTtl;
        var prefix = "/sluice/";
        foreach (var option in context.Options)
        {
            switch (option.Name)
            {
                case "lease_ttl":
                    if (option.PositiveDuration(diag, 0, "a lease TTL", MaxLeaseTtl) is not { } t) { ok = false; break; }
                    if (t < MinLeaseTtl || t.Ticks % TimeSpan.TicksPerSecond != 0)
                    {
                        diag.Error(option.Arguments[0].Location, $"'lease_ttl' must be whole seconds, at least 2s (etcd's minimum lease), got '{option.Arguments[0].Value}'");
                        ok = false;
                    }
                    else ttl = t;
                    break;
                case "prefix":
                    if (option.String(diag, 0, "a key prefix") is { Length: > 0 } p && p.StartsWith('/')) prefix = p.EndsWith('/') ? p : p + "/";
                    else
                    {
                        diag.Error(option.Location, "'prefix' expects a key prefix starting with '/', e.g. /sluice/tv/");
                        ok = false;
                    }
                    break;
                default:
                    diag.Error(option.Location, $"unknown option '{option.Name}' of the etcd engine (expected lease_ttl, prefix)");
                    ok = false;
                    break;
            }
        }
        return ok ? new EtcdSettings(endpoints, ttl, prefix) : null;
    }
}
