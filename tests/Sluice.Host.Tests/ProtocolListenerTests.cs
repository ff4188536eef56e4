using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Protocols;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;
using Sluice.Host.Protocols;

namespace Sluice.Host.Tests;

/// <summary>Protocol listeners (the contract RTMP is built on), with a real TCP protocol on loopback.</summary>
public sealed class ProtocolListenerTests : IAsyncDisposable
{
    private readonly EchoProtocol _echo = new();
    private readonly Contributions _contributions;
    private readonly CollectingEmitter _events = new();
    private readonly ProtocolListeners _listeners;

    public ProtocolListenerTests()
    {
        _contributions = new Contributions(_echo);
        _listeners = new ProtocolListeners(_contributions, _events, _contributions, NullLoggerFactory.Instance);
    }

    public ValueTask DisposeAsync() => _listeners.DisposeAsync();

    [Fact]
    public async Task Listeners_open_with_the_configuration_and_close_when_removed()
    {
        var (a, b) = (FreePort.Tcp(), FreePort.Tcp());
        await ApplyAsync($"echo 127.0.0.1:{a};\necho 127.0.0.1:{b} {{ greeting hi; }}");
        Assert.Equal("hi", await TalkAsync(b));
        Assert.Equal("echo", await TalkAsync(a));
        Assert.Equal(2, _events.All.Count(e => e.Name == "listener_start" && e["protocol"] == "echo"));

        await ApplyAsync($"echo 127.0.0.1:{b} {{ greeting hi; }}");
        await Assert.ThrowsAnyAsync<SocketException>(() => TalkAsync(a));
        Assert.Equal("hi", await TalkAsync(b));
        Assert.Equal(2, _echo.Created); // the unchanged listener was kept, not reopened
    }

    [Fact]
    public async Task A_changed_listener_is_replaced_and_a_busy_port_is_a_listener_failure()
    {
        var port = FreePort.Tcp();
        await ApplyAsync($"echo 127.0.0.1:{port};");
        await ApplyAsync($"echo 127.0.0.1:{port} {{ greeting again; }}");
        Assert.Equal("again", await TalkAsync(port));

        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var busy = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await ApplyAsync($"echo 127.0.0.1:{port};\necho 127.0.0.1:{busy};");
        var failure = await _events.WaitFor("listener_failure", null);
        Assert.Equal(($"127.0.0.1:{busy}", "echo"), (failure["address"], failure["protocol"]));
        Assert.Equal("echo", await TalkAsync(port)); // the others run on
    }

    [Fact]
    public void The_address_syntax_and_duplicates_are_checked_by_the_host_and_the_rest_by_the_protocol()
    {
        var result = Load("echo nowhere;\necho 127.0.0.1:7001;\necho 127.0.0.1:7001;\necho 7002 { greeting \"\"; }");
        var lines = result.Diagnostics.Select(d => d.ToString()).ToArray();
        Assert.Contains(lines, l => l.StartsWith("t.conf:1:6: 'echo' expects [ADDR:]PORT", StringComparison.Ordinal));
        Assert.Contains("t.conf:3:6: duplicate listener 127.0.0.1:7001 (first at t.conf:2:6)", lines);
        Assert.Contains("t.conf:4:22: the greeting must not be empty", lines);
    }

    [Fact]
    public void Without_a_protocol_plugin_its_directive_is_a_warning_not_an_error()
    {
        var loader = new ConfigLoader([new CoreConfigSection(), new ProtocolListenersSection(new Contributions())], new Contributions());
        var result = loader.LoadString("rtmp 1935;", "t.conf", Path.GetTempPath());
        Assert.True(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.ToString() == "t.conf:1:1: warning: 'rtmp' is not supported by this build; ignored");
    }

    private ConfigLoadResult Load(string text) =>
        new ConfigLoader([new CoreConfigSection(), new ProtocolListenersSection(_contributions)], _contributions)
            .LoadString(text, "t.conf", Path.GetTempPath());

    private async Task ApplyAsync(string text)
    {
        var result = Load(text);
        Assert.True(result.Succeeded, result.Format());
        await _listeners.ApplyAsync(result.Configuration!, CancellationToken.None);
    }

    private static async Task<string> TalkAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        return await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)) ?? "";
    }

    private sealed class Contributions(params IProtocolFactory[] protocols) : IPluginContributions, IServiceProvider
    {
        public IReadOnlyList<T> All<T>() where T : class => typeof(T) == typeof(IProtocolFactory) ? (IReadOnlyList<T>)(object)protocols : [];

        public object? GetService(Type serviceType) => serviceType == typeof(IPluginContributions) ? this : null;
    }

    /// <summary><c>echo [ADDR:]PORT [{ greeting TEXT; }]</c>: says its greeting (default "echo") to every client and hangs up.</summary>
    private sealed class EchoProtocol : IProtocolFactory
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public string Name => "echo";

        public IReadOnlyList<DirectiveSpec> Directives { get; } =
            [new("echo", "echo [ADDR:]PORT [{ greeting TEXT; }]", 1, 1, BlockUse.Optional, [new("greeting", "greeting TEXT", 1, 1)])];

        public void Validate(ListenerContext context)
        {
            if (context.Option("greeting") is { } g && g.Arguments[0].Value.Length == 0)
                context.Diagnostics.Error(g.Arguments[0].Location, "the greeting must not be empty");
        }

        public IProtocolListener Create(ListenerContext context)
        {
            Interlocked.Increment(ref _created);
            return new Listener(context.EndPoint, context.OptionValue("greeting") ?? "echo");
        }

        private sealed class Listener(IPEndPoint endpoint, string greeting) : IProtocolListener
        {
            private readonly TcpListener _listener = new(endpoint);
            private readonly CancellationTokenSource _stop = new();
            private Task _accepting = Task.CompletedTask;

            public Task StartAsync(CancellationToken cancellationToken)
            {
                _listener.Start();
                _accepting = AcceptAsync();
                return Task.CompletedTask;
            }

            private async Task AcceptAsync()
            {
                try
                {
                    while (true)
                    {
                        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(greeting + "\n"), _stop.Token);
                    }
                }
                catch (OperationCanceledException) { }
                catch (SocketException) { }
            }

            public async ValueTask DisposeAsync()
            {
                _stop.Cancel();
                _listener.Stop();
                await _accepting;
                _stop.Dispose();
            }
        }
    }
}
