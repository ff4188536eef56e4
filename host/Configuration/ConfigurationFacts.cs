namespace Sluice.Host.Configuration;

/// <summary>
/// How a configuration becomes options, in one place:
/// <list type="number">
/// <item><see cref="ConfigLexer"/> and <see cref="ConfigParser"/> turn text into the untyped tree
/// (<see cref="Sluice.Abstractions.Configuration.ConfigDirective"/>) with exact FILE:LINE:COL, recovering after
/// each error; <see cref="ConfigDocumentReader"/> expands <c>include</c>.</item>
/// <item><see cref="ConfigValidator"/> checks shape against the sections' specs: unknown names are errors with
/// a did-you-mean, names the spec documents but nothing implements are warnings (<see cref="SpecDirectives"/>),
/// unimplemented security directives are errors.</item>
/// <item><see cref="ConfigLoader"/> binds every section (core first, then plugins) with its directives in file
/// order and returns a <see cref="ConfigLoadResult"/>: the configuration when there is no error, and every
/// diagnostic.</item>
/// </list>
/// The parser never throws for any text; only <see cref="ArgumentNullException"/> for null arguments.
/// </summary>
internal static class ConfigurationFacts;
