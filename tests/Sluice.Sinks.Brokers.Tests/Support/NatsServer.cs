using NATS.Client.Core;

namespace Sluice.Sinks.Brokers.Tests.Support;

/// <summary>
/// Debian's <c>nats-server</c> on a free 127.0.0.1 port; with <see cref="JetStream"/> its store is a temporary
/// folder that outlives a stop and start (a restarted server keeps its streams).
/// </summary>
internal sealed class NatsServer : ServerProcess
{
    public const string Path = "/usr/sbin/nats-server";

    private readonly TempFolder _store = new();

    private NatsServer(bool jetStream, string? user, string? password, string? token) : base(Path)
    {
        JetStream = jetStream;
        User = user;
        Password = password;
        Token = token;
    }

    public bool JetStream { get; }
    public string? User { get; }
    public string? Password { get; }
    public string? Token { get; }

    /// <summary><c>nats://127.0.0.1:PORT</c>, without credentials.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<NatsServer> StartAsync(bool jetStream = false, string? user = null, string? password = null, string? token = null)
    {
        var server = new NatsServer(jetStream, user, password, token);
        await server.StartProcessAsync();
        return server;
    }

    protected override IEnumerable<string> Arguments()
    {
        yield return "-a"; yield return "127.0.0.1";
        yield return "-p"; yield return Port.ToString();
        if (JetStream) { yield return "-js"; yield return "-sd"; yield return _store.Path; }
        if (User is not null) { yield return "--user"; yield return User; yield return "--pass"; yield return Password ?? ""; }
        if (Token is not null) { yield return "--auth"; yield return Token; }
    }

    /// <summary>A client of the test's own, with the server's credentials.</summary>
    public async Task<NatsConnection> ConnectAsync()
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = Url,
            AuthOpts = new NatsAuthOpts { Username = User, Password = Password, Token = Token },
        });
        await connection.ConnectAsync();
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _store.Dispose();
    }
}
