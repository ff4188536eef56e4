using System.Net;
using System.Net.Sockets;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

public sealed class ListenerTests
{
    [Fact]
    public async Task Host_fails_to_start_with_a_clear_message_when_its_port_is_taken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var host = await SluiceProcess.StartAsync($"http 127.0.0.1:{port};\n# {{PORT}} unused\n", waitForHttp: false);
        var code = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, code);
        Assert.Contains($"127.0.0.1:{port}", host.Output);
        Assert.Contains("listen", host.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Several_http_directives_open_several_listeners()
    {
        var second = FreePort.Tcp();
        await using var host = await SluiceProcess.StartAsync($"http 127.0.0.1:{{PORT}};\nhttp 127.0.0.1:{second};\n");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{second}") };
        using var r = await client.GetAsync("/api/v1/server");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }
}
