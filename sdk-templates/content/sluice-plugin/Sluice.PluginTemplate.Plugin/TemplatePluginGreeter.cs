using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;

namespace Sluice.PluginTemplate.Plugin;

/// <summary>
/// The plugin's background part: logs the greeting when it starts and then every <c>every=</c>, and
/// follows configuration reloads. Stop ends the loop and releases the timer, which is what lets the
/// host unload the plugin: nothing of it may keep running or stay referenced from outside.
/// </summary>
internal sealed class TemplatePluginGreeter(ILogger logger) : IPluginService, IConfigurationListener
{
    private volatile TemplatePluginOptions _options = TemplatePluginOptions.Default;
    private PeriodicTimer? _timer;
    private Task? _loop;

    /// <summary>Called with every validated configuration: at start (before <see cref="StartAsync"/>), on reload, after a swap.</summary>
    public ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        var previous = _options;
        var options = configuration.Get<TemplatePluginOptions>() ?? TemplatePluginOptions.Default;
        _options = options;
        if (_timer is { } timer && options != previous)
        {
            timer.Period = PeriodOf(options);
            logger.LogInformation("Greeting is now {Greeting}", options.Greeting);
        }
        return ValueTask.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options;
        logger.LogInformation("{Greeting}", options.Greeting);
        _timer = new PeriodicTimer(PeriodOf(options));
        _loop = RepeatAsync(_timer);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not { } timer) return;
        _timer = null;
        timer.Dispose(); // ends WaitForNextTickAsync with false
        await _loop!.WaitAsync(cancellationToken);
        logger.LogInformation("Stopped greeting");
    }

    private async Task RepeatAsync(PeriodicTimer timer)
    {
        while (await timer.WaitForNextTickAsync())
        {
            logger.LogInformation("{Greeting}", _options.Greeting);
        }
    }

    private static TimeSpan PeriodOf(TemplatePluginOptions options) => options.Every ?? Timeout.InfiniteTimeSpan;
}
