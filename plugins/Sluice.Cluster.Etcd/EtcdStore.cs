using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Sluice.Cluster.Etcd;

/// <summary>The few etcd operations the strategy needs, on dotnet-etcd; every call has a deadline.</summary>
internal sealed class EtcdStore(EtcdSettings settings) : IDisposable
{
    private readonly EtcdClient _client = new(settings.ConnectionString);

    public async Task<long> GrantAsync(CancellationToken cancellationToken)
    {
        // A whole TTL to answer: a late grant is still safe (the lease clock counts from the send), and a loaded
        // etcd that takes over a second would otherwise never give a lease at all.
        var r = await _client.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)settings.LeaseTtl.TotalSeconds },
            deadline: DateTime.UtcNow + settings.LeaseTtl, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(r.Error)) throw new InvalidOperationException("etcd refused a lease: " + r.Error);
        return r.ID;
    }

    /// <summary>A keep-alive stream: each <see cref="KeepAlive.RenewAsync"/> is one round trip.</summary>
    public KeepAlive OpenKeepAlive(long lease, CancellationToken cancellationToken) =>
        new(_client.GetConnection().LeaseClient.LeaseKeepAlive(cancellationToken: cancellationToken), lease);

    public async Task RevokeAsync(long lease)
    {
        using var timeout = new CancellationTokenSource(settings.RequestTimeout);
        await _client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, deadline: Deadline(), cancellationToken: timeout.Token).ConfigureAwait(false);
    }

    public async Task PutAsync(string key, string value, long lease, CancellationToken cancellationToken) =>
        await _client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Lease = lease },
            deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>Every key under <paramref name="prefix"/> (without the prefix) with its value and the lease it lives on.</summary>
    public async Task<Dictionary<string, (string Value, long Lease)>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var r = await _client.GetRangeAsync(prefix, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return r.Kvs.ToDictionary(kv => kv.Key.ToStringUtf8()[prefix.Length..], kv => (kv.Value.ToStringUtf8(), kv.Lease), StringComparer.Ordinal);
    }

    /// <summary>Creates <paramref name="key"/> on <paramref name="lease"/> only if no one holds it; true when this call created it.</summary>
    public async Task<bool> CreateAsync(string key, string value, long lease, CancellationToken cancellationToken)
    {
        var k = ByteString.CopyFromUtf8(key);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = k, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = k, Value = ByteString.CopyFromUtf8(value), Lease = lease } });
        var r = await _client.TransactionAsync(txn, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return r.Succeeded;
    }

    /// <summary>Deletes <paramref name="key"/> only while it lives on <paramref name="lease"/> (this server's claim, not a later one's).</summary>
    public async Task DeleteIfAsync(string key, long lease, CancellationToken cancellationToken)
    {
        var k = ByteString.CopyFromUtf8(key);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = k, Target = Compare.Types.CompareTarget.Lease, Result = Compare.Types.CompareResult.Equal, Lease = lease });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = k } });
        await _client.TransactionAsync(txn, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private DateTime Deadline() => DateTime.UtcNow + settings.RequestTimeout;

    public void Dispose() => _client.Dispose();

    /// <summary>One lease's keep-alive stream.</summary>
    internal sealed class KeepAlive(AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> call, long lease) : IDisposable
    {
        /// <summary>Sends one renewal and waits for its answer: the TTL etcd granted (zero: the lease is gone).</summary>
        public async Task<TimeSpan> RenewAsync(CancellationToken cancellationToken)
        {
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, cancellationToken).ConfigureAwait(false);
            if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false)) return TimeSpan.Zero;
            return TimeSpan.FromSeconds(call.ResponseStream.Current.TTL);
        }

        public void Dispose() => call.Dispose();
    }
}
