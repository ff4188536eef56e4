using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Http;

internal sealed class HttpSinkFactory : IEventSinkFactory
{
    public string Name => "http";

    public string SpecForms => "http://URL, https://URL";

    public bool Claims(string spec) =>
        spec.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public void Validate(SinkContext context) => HttpSinkOptions.Bind(context, context.Diagnostics);

    /// <summary>The sink's own <c>timeout</c> plus room to report it.</summary>
    public TimeSpan DeliveryTimeout(SinkContext context) =>
        (HttpSinkOptions.Bind(context, null)?.Timeout ?? HttpSinkOptions.DefaultTimeout) + TimeSpan.FromSeconds(5);

    public IEventSink Create(SinkContext context) =>
        new HttpSink(HttpSinkOptions.Bind(context, null)
            ?? throw new ArgumentException($"invalid http sink '{context.Spec}' (validate the configuration first)"), context.Time);
}
