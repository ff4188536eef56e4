using System.Text.Json;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Testing;

namespace Sluice.PluginTemplate.Sink.Tests;

public sealed class TemplateSinkSinkTests : IDisposable
{
    private readonly string _configDirectory = Path.Combine(Path.GetTempPath(), "templatesink-tests-" + Guid.NewGuid().ToString("N"));
    private readonly TemplateSinkSinkFactory _factory = new();

    public void Dispose()
    {
        if (Directory.Exists(_configDirectory)) Directory.Delete(_configDirectory, recursive: true);
    }

    [Fact]
    public void Factory_Should_Claim_Only_Its_Own_Scheme()
    {
        Assert.True(_factory.Claims("templatesink://events.jsonl"));
        Assert.False(_factory.Claims("http://example.com/events"));
        Assert.False(_factory.Claims("events.jsonl"));
    }

    [Fact]
    public void Validate_Should_Report_A_Missing_Path_At_The_Spec()
    {
        var diagnostics = new DiagnosticList();

        _factory.Validate(Context("templatesink://", diagnostics));

        var error = Assert.Single(diagnostics.Errors);
        Assert.Equal(new SourceLocation(TestContexts.File, 1, 8), error.Location);
        Assert.Contains("needs a file path", error.Message);
    }

    [Fact]
    public void Validate_Should_Refuse_A_Malformed_Option_And_Warn_About_An_Unknown_One()
    {
        var diagnostics = new DiagnosticList();

        _factory.Validate(Context("templatesink://events.jsonl", diagnostics, ("fsync", "maybe"), ("colour", "red")));

        var error = Assert.Single(diagnostics.Errors);
        Assert.Contains("true or false", error.Message);
        Assert.Equal(new SourceLocation(TestContexts.File, 2, 9), error.Location);
        var warning = Assert.Single(diagnostics.Warnings);
        Assert.Contains("'colour' is not an option", warning.Message);
    }

    [Fact]
    public void Validate_Should_Accept_A_Relative_Path_And_Its_Options()
    {
        var diagnostics = new DiagnosticList();

        _factory.Validate(Context("templatesink://logs/events.jsonl", diagnostics, ("fsync", "true")));

        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public async Task Sink_Should_Append_Each_Event_As_A_Json_Line_Relative_To_The_Config_Folder()
    {
        await using (var sink = _factory.Create(Context("templatesink://logs/events.jsonl", null, ("fsync", "true"))))
        {
            await sink.DeliverAsync([Event("stream_started", "cam1"), Event("client_opened", "cam1")], CancellationToken.None);
            await sink.DeliverAsync([Event("stream_stopped", "cam2")], CancellationToken.None);
        }

        var lines = await File.ReadAllLinesAsync(Path.Combine(_configDirectory, "logs", "events.jsonl"));
        Assert.Equal(3, lines.Length);
        var parsed = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["stream_started", "client_opened", "stream_stopped"], parsed.Select(e => e.GetProperty("event").GetString()));
        Assert.Equal(["cam1", "cam1", "cam2"], parsed.Select(e => e.GetProperty("media").GetString()));
        Assert.All(parsed, e => Assert.Equal(42, e.GetProperty("bytes").GetInt64()));
    }

    [Fact]
    public async Task Sink_Should_Append_To_What_The_File_Already_Holds()
    {
        Directory.CreateDirectory(_configDirectory);
        var path = Path.Combine(_configDirectory, "events.jsonl");
        await File.WriteAllTextAsync(path, "{\"event\":\"earlier\"}\n");

        await using (var sink = _factory.Create(Context("templatesink://events.jsonl")))
        {
            await sink.DeliverAsync([Event("stream_started", "cam1")], CancellationToken.None);
        }

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"earlier\"", lines[0]);
        Assert.Contains("\"stream_started\"", lines[1]);
    }

    [Fact]
    public async Task Sink_Should_Throw_A_Delivery_Error_When_The_File_Cannot_Be_Written()
    {
        Directory.CreateDirectory(_configDirectory);
        // A folder where the file should be: opening it for append fails on every platform.
        Directory.CreateDirectory(Path.Combine(_configDirectory, "taken"));

        await using var sink = _factory.Create(Context("templatesink://taken"));

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(
            async () => await sink.DeliverAsync([Event("stream_started", "cam1")], CancellationToken.None));
        Assert.Contains("taken", error.Message);
    }

    /// <summary><c>notify tests { sink SPEC; OPTIONS }</c> in test.conf, as the host hands it over.</summary>
    private SinkContext Context(string spec, DiagnosticList? diagnostics = null, params (string Name, string Value)[] options) =>
        TestContexts.Sink(spec, diagnostics, "tests", _configDirectory, options);

    private static SluiceEvent Event(string name, string media) =>
        new(name, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "test-server", EventLevel.Info,
            media: media, fields: [new("bytes", 42)]);
}
