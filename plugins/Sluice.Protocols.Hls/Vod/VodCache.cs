using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Sluice.Protocols.Hls.Vod;

/// <summary>
/// Remuxed copies of files, made once per file version: the cache name is a hash of the full path,
/// modification time and size, so a changed file gets a new copy. Concurrent requests for the same
/// version share one remux; a failed remux is retried by the next request.
/// </summary>
internal sealed class VodCache(HlsOptions options, ILogger log)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<VodIndex>>> _indexes = new(StringComparer.Ordinal);

    public Task<VodIndex> GetAsync(string file)
    {
        var info = new FileInfo(file);
        var key = KeyOf(info);
        var lazy = _indexes.GetOrAdd(key, k => new Lazy<Task<VodIndex>>(() => Task.Run(() => BuildAsync(info.FullName, k))));
        return ObserveAsync(key, lazy);
    }

    private async Task<VodIndex> ObserveAsync(string key, Lazy<Task<VodIndex>> lazy)
    {
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _indexes.TryRemove(new KeyValuePair<string, Lazy<Task<VodIndex>>>(key, lazy));
            throw;
        }
    }

    private async Task<VodIndex> BuildAsync(string file, string key)
    {
        Directory.CreateDirectory(options.VodCacheDirectory);
        var cached = Path.Combine(options.VodCacheDirectory, key + ".ts");
        if (!File.Exists(cached))
        {
            var started = Environment.TickCount64;
            await VodRemuxer.RemuxAsync(options.FfmpegPath, file, cached, options.RemuxTimeout, CancellationToken.None).ConfigureAwait(false);
            log.LogInformation("remuxed {File} to {Cache} in {Ms} ms", file, cached, Environment.TickCount64 - started);
        }
        return VodIndexer.Build(cached, options.TargetTicks);
    }

    private static string KeyOf(FileInfo info)
    {
        var text = $"{info.FullName}\n{info.LastWriteTimeUtc.Ticks}\n{info.Length}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }
}
