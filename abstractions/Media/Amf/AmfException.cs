namespace Sluice.Media.Amf;

/// <summary>Malformed or unsupported AMF data (truncated, too deep, an unknown marker, a bad reference).</summary>
public sealed class AmfException(string message) : FormatException(message);
