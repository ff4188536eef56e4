namespace Sluice.Abstractions.Sinks;

/// <summary>
/// A sink type (http, log, lua, ...), chosen by a notify block's sink spec. Registered by a plugin
/// with <see cref="Plugins.IPluginBuilder.AddSinkType"/>.
/// </summary>
public interface IEventSinkFactory
{
    /// <summary>Short name shown in errors and listings, e.g. <c>http</c>.</summary>
    string Name { get; }

    /// <summary>The spec forms it claims, for error messages, e.g. <c>http://URL, https://URL</c>.</summary>
    string SpecForms { get; }

    /// <summary>True when this type handles <paramref name="spec"/> (by scheme or file extension).</summary>
    bool Claims(string spec);

    /// <summary>Checks the block's spec and options at configuration time, reporting through <see cref="Plugins.FactoryContext.Diagnostics"/>; creates nothing.</summary>
    void Validate(SinkContext context);

    /// <summary>Creates the runtime sink for one notify block.</summary>
    IEventSink Create(SinkContext context);

    /// <summary>
    /// The longest one delivery to this block's sink may take (the sink's own timeouts plus room to
    /// report them). Past it the router cancels the delivery and counts it failed; a sink that still
    /// has not returned a second later is abandoned (disposed once that call returns) and replaced by a new one.
    /// </summary>
    TimeSpan DeliveryTimeout(SinkContext context) => SinkDefaults.DeliveryTimeout;
}

/// <summary>Defaults of the notify/sink boundary.</summary>
public static class SinkDefaults
{
    /// <summary>The delivery timeout of a sink type that declares none.</summary>
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);
}
