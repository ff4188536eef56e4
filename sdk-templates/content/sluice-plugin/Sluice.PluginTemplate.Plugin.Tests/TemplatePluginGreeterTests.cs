using Sluice.Abstractions.Configuration;

namespace Sluice.PluginTemplate.Plugin.Tests;

public sealed class TemplatePluginGreeterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly CapturingLogger _log = new();

    [Fact]
    public async Task Start_Should_Log_The_Configured_Greeting_Once_When_It_Does_Not_Repeat()
    {
        var greeter = new TemplatePluginGreeter(_log);
        await greeter.ApplyAsync(Configuration(new TemplatePluginOptions("Good morning", null)), CancellationToken.None);

        await greeter.StartAsync(CancellationToken.None);
        await greeter.StopAsync(CancellationToken.None);

        Assert.Equal(["Good morning", "Stopped greeting"], _log.Messages);
    }

    [Fact]
    public async Task Greeter_Should_Repeat_Until_Stopped_And_Then_Stay_Silent()
    {
        var greeter = new TemplatePluginGreeter(_log);
        await greeter.ApplyAsync(Configuration(new TemplatePluginOptions("tick", TimeSpan.FromMilliseconds(20))), CancellationToken.None);

        await greeter.StartAsync(CancellationToken.None);
        Assert.True(await _log.WaitForAsync("tick", 3, Bound), "the greeting should repeat every 20ms");
        await greeter.StopAsync(CancellationToken.None).WaitAsync(Bound);

        var afterStop = _log.Messages.Count;
        await Task.Delay(100);
        Assert.Equal(afterStop, _log.Messages.Count);
        Assert.Equal("Stopped greeting", _log.Messages[^1]);
    }

    [Fact]
    public async Task Reload_Should_Change_What_A_Running_Greeter_Says()
    {
        var greeter = new TemplatePluginGreeter(_log);
        await greeter.ApplyAsync(Configuration(new TemplatePluginOptions("before", TimeSpan.FromMilliseconds(20))), CancellationToken.None);
        await greeter.StartAsync(CancellationToken.None);

        await greeter.ApplyAsync(Configuration(new TemplatePluginOptions("after", TimeSpan.FromMilliseconds(20))), CancellationToken.None);

        Assert.True(await _log.WaitForAsync("after", 2, Bound), "the new greeting should be repeated");
        await greeter.StopAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.Contains("Greeting is now after", _log.Messages);
    }

    [Fact]
    public async Task Greeter_Should_Use_The_Default_When_The_Configuration_Has_No_Greeting()
    {
        var greeter = new TemplatePluginGreeter(_log);
        await greeter.ApplyAsync(Configuration(null), CancellationToken.None);

        await greeter.StartAsync(CancellationToken.None);
        await greeter.StopAsync(CancellationToken.None);

        Assert.Equal(TemplatePluginOptions.Default.Greeting, _log.Messages[0]);
    }

    private static SluiceConfiguration Configuration(TemplatePluginOptions? options) =>
        new(null, "/etc/sluice", [],
            options is null ? new Dictionary<Type, object>() : new Dictionary<Type, object> { [typeof(TemplatePluginOptions)] = options },
            []);
}
