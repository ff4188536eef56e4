using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;

namespace Sluice.PluginTemplate.Plugin.Tests;

public sealed class TemplatePluginConfigSectionTests
{
    private static readonly SourceLocation At = new("sluice.conf", 4, 1);

    private readonly TemplatePluginConfigSection _section = new();
    private readonly DiagnosticList _diagnostics = new();

    [Fact]
    public void Section_Should_Own_The_Greeting_Directive_Once()
    {
        var spec = Assert.Single(_section.Directives);
        Assert.Equal("templateplugin_greeting", spec.Name);
        Assert.False(spec.Repeatable);
    }

    [Fact]
    public void Bind_Should_Give_The_Defaults_When_The_Directive_Is_Not_Written()
    {
        var options = Bind();

        Assert.Equal(TemplatePluginOptions.Default, options);
        Assert.Empty(_diagnostics.Items);
    }

    [Fact]
    public void Bind_Should_Read_The_Greeting_And_Its_Period()
    {
        var options = Bind(Greeting(Arg("Good morning"), Arg("2m", key: "every")));

        Assert.Equal(new TemplatePluginOptions("Good morning", TimeSpan.FromMinutes(2)), options);
        Assert.Empty(_diagnostics.Items);
    }

    [Fact]
    public void Bind_Should_Report_Every_Problem_Where_It_Was_Written()
    {
        var badPeriod = Arg("soon", key: "every", column: 30);
        var unknown = Arg("red", key: "colour", column: 42);

        Bind(Greeting(Arg("Hi"), badPeriod, unknown));

        Assert.Equal(2, _diagnostics.Errors.Count());
        Assert.Contains(_diagnostics.Errors, d => d.Location == badPeriod.Location && d.Message.Contains("'soon'"));
        Assert.Contains(_diagnostics.Errors, d => d.Location == unknown.Location && d.Message.Contains("no option 'colour'"));
    }

    [Fact]
    public void Bind_Should_Report_A_Missing_Greeting()
    {
        Bind(Greeting(Arg("5s", key: "every")));

        var error = Assert.Single(_diagnostics.Errors);
        Assert.Equal(At, error.Location);
        Assert.Contains("expects a greeting text", error.Message);
    }

    private TemplatePluginOptions Bind(params ConfigDirective[] directives) =>
        Assert.IsType<TemplatePluginOptions>(_section.Bind(directives, new ConfigBindContext(_diagnostics, "/etc/sluice", new EmptyServices())));

    private static ConfigDirective Greeting(params ConfigArgument[] arguments) =>
        new(TemplatePluginConfigSection.GreetingDirective, arguments, null, At);

    private static ConfigArgument Arg(string value, string? key = null, int column = 20) =>
        new(key, [value], false, At with { Column = column });

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
