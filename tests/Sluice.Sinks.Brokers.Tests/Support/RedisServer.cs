using StackExchange.Redis;

namespace Sluice.Sinks.Brokers.Tests.Support;

/// <summary>Debian's <c>redis-server</c> on a free 127.0.0.1 port, in memory only (<c>--save '' --appendonly no</c>).</summary>
internal sealed class RedisServer : ServerProcess
{
    public const string Path = "/usr/bin/redis-server";

    private RedisServer(string? password) : base(Path) => Password = password;

    public string? Password { get; }

    public static async Task<RedisServer> StartAsync(string? password = null)
    {
        var server = new RedisServer(password);
        await server.StartProcessAsync();
        return server;
    }

    protected override IEnumerable<string> Arguments()
    {
        yield return "--bind"; yield return "127.0.0.1";
        yield return "--port"; yield return Port.ToString();
        yield return "--save"; yield return "";
        yield return "--appendonly"; yield return "no";
        if (Password is not null) { yield return "--requirepass"; yield return Password; }
    }

    /// <summary>A client of the test's own, with the server's password.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", Port } }, Password = Password });
}
