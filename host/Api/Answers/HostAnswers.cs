namespace Sluice.Host.Api.Answers;

// The shapes of the host API's answers. Property names are written in snake_case (HumanJson's policy), so
// the OpenAPI document generated from these types says exactly what the API sends.

/// <summary><c>GET /api/v1/server</c>.</summary>
internal sealed record ServerAnswer(
    string Name, string Version, string Hostname, DateTimeOffset StartedAt, double UptimeS, string Config, string PluginsDir);

/// <summary>One plugin of <c>GET /api/v1/plugins</c>.</summary>
internal sealed record PluginAnswer(
    string Name, string? Version, string? Description, string State, string? Error, string Folder, DateTimeOffset? LoadedAt,
    IReadOnlyList<string> UsedBy);

/// <summary><c>GET /api/v1/plugins</c>.</summary>
internal sealed record PluginsAnswer(string PluginsDir, IReadOnlyList<PluginAnswer> Plugins);

/// <summary>One plugin change of <c>GET /api/v1/plugins/history</c>: <c>kind</c> added, replaced or removed.</summary>
internal sealed record PluginChangeAnswer(
    DateTimeOffset At, string Kind, string Name, string? OldVersion, string? NewVersion, bool Applied, string? Error, bool? OldCollected);

/// <summary><c>GET /api/v1/plugins/history</c>: the most recent changes, oldest first.</summary>
internal sealed record PluginHistoryAnswer(IReadOnlyList<PluginChangeAnswer> Changes);

/// <summary><c>POST /api/v1/config/reload</c>.</summary>
internal sealed record ReloadAnswer(bool Reloaded, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

/// <summary>One message of a configuration check, at FILE:LINE:COL.</summary>
internal sealed record CheckMessage(string Severity, string File, int Line, int Column, string Message, string Text);

/// <summary><c>POST /api/v1/config/check</c>: <c>valid</c> when the text has no error (warnings allowed).</summary>
internal sealed record CheckAnswer(bool Valid, IReadOnlyList<CheckMessage> Messages);

/// <summary><c>POST /api/v1/events</c>: how many events were taken.</summary>
internal sealed record InjectAnswer(int Accepted);
