using Sluice.Abstractions.Configuration;

namespace Sluice.Abstractions.Sinks;

/// <summary>
/// A sink type (http, log, lua, ...), chosen by a notify block's sink spec. Registered by a plugin.
/// </summary>
public interface IEventSinkFactory
{
    /// <summary>Short name shown in errors and listings, e.g. <c>http</c>.</summary>
    string Name { get; }

    /// <summary>The spec forms it claims, for error messages, e.g. <c>http://URL, https://URL</c>.</summary>
    string SpecForms { get; }

    /// <summary>True when this type handles <paramref name="spec"/> (by scheme or file extension).</summary>
    bool Claims(string spec);

    /// <summary>Checks the block's options at configuration time; reports problems, creates nothing.</summary>
    void Validate(SinkContext context, IConfigDiagnostics diagnostics) { }

    /// <summary>Creates the runtime sink for one notify block.</summary>
    IEventSink Create(SinkContext context);
}
