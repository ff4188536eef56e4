namespace Sluice.Host.Configuration;

/// <summary>
/// Directive names the reference documents (/work/shared/spec: configuration.txt, events-api*.txt,
/// cluster-ingest.txt and its README) define. A Flussonic configuration must load: a directive listed here
/// that no loaded section implements is a warning ("not supported by this build; ignored"), unless it is a
/// security directive, which is never ignored.
/// </summary>
internal static class SpecDirectives
{
    /// <summary>Top-level directives: configuration.txt's tables, the spec README, cluster-ingest.txt, plus Sluice's own.</summary>
    public static readonly IReadOnlySet<string> TopLevel = new HashSet<string>(StringComparer.Ordinal)
    {
        // Ports and protocols.
        "https", "http", "rtmp", "rtmps", "rtsp", "rtsps",
        // Other server options.
        "loglevel", "logrequests", "total_bandwidth", "auth_token", "max_sessions", "no_auto_token", "auto_token",
        "cluster_key", "view_auth", "edit_auth", "api_allowed_from", "notify", "pulsedb", "session_log", "url_prefix",
        "source", "stream", "ondemand", "live", "file", "cache", "nvidia_monitor", "geoip",
        // README: the newer spelling of notify, the DVR, the server name; cluster-ingest.txt: peers.
        "event_sink", "dvr", "hostname", "peer",
        // Sluice's own.
        "plugins_dir", "logfile", "include",
    };

    /// <summary>
    /// Options of stream-like blocks (<c>stream</c>, <c>ondemand</c>, <c>live</c>, <c>file</c>, <c>source</c>):
    /// configuration.txt's, and the stream options of Flussonic's documentation that operators' files carry
    /// (what this build implements is owned by the streams section; the rest is warned about and ignored).
    /// </summary>
    private static readonly HashSet<string> StreamLevel = new(StringComparer.Ordinal)
    {
        "input", "url", "cluster_ingest", "dvr", "url_prefix", "path", "cache", "auth", "push",
        // Flussonic's stream options.
        "title", "comment", "transcoder", "protocols", "thumbnails", "segment_duration", "segment_count", "backup",
        "on_play", "on_publish", "password", "publish_password", "drm", "source_timeout", "clients_timeout", "retry_limit",
        "static", "position", "prefer_codec", "meta", "add_audio_only", "mpegts_pids", "mpegts_ac3", "hls_scte35",
        "dvr_offline", "dvr_replicate", "webrtc_abr", "srt", "srt_publish", "srt_play", "epg", "labels", "provider",
        "max_sessions", "hls_off", "hds_off", "dash_off", "mss_off", "rtmp_off", "rtsp_off", "mpegts_off", "webrtc_off",
    };

    private static readonly Dictionary<string, HashSet<string>> ChildrenByParent = new(StringComparer.Ordinal)
    {
        ["stream"] = StreamLevel,
        ["ondemand"] = StreamLevel,
        ["live"] = StreamLevel,
        ["file"] = StreamLevel,
        ["source"] = StreamLevel,
        ["notify"] = ["sink", "only", "except", "verbose", "buffer", "sign_key", "resend_notifications_limit", "resend_notifications_timeout"],
        ["event_sink"] = ["url", "level", "only", "except", "buffer", "sign_key", "resend_notifications_limit", "resend_notifications_timeout"],
        ["peer"] = ["fetch_timeout", "stale_timeout"],
    };

    /// <summary>True when the spec documents <paramref name="name"/> inside a <paramref name="parent"/> block.</summary>
    public static bool IsSpecChild(string parent, string name) =>
        ChildrenByParent.TryGetValue(parent, out var set) && set.Contains(name);

    /// <summary>What the spec documents inside a <paramref name="parent"/> block (empty when nothing).</summary>
    public static IEnumerable<string> ChildrenOf(string parent) =>
        ChildrenByParent.TryGetValue(parent, out var set) ? set : [];

    /// <summary>
    /// Directives that guard access: ignoring one would open what the author meant to close, so an
    /// unsupported one is an error, never a warning.
    /// </summary>
    public static bool IsSecurity(string name) =>
        name is "api_allowed_from" or "cluster_key" or "sign_key" or "auth" or "password" or "publish_password"
            // on_play/on_publish are the newer names of auth (play/publish authorization); drm encrypts what is served.
            or "on_play" or "on_publish" or "drm"
        || name.EndsWith("_auth", StringComparison.Ordinal);
}
