namespace Sluice.Host.Api;

/// <summary>The body of every API error answer: <c>{"error": "..."}</c>.</summary>
internal sealed record ApiError(string Error);
