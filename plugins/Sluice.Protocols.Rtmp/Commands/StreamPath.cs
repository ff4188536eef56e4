namespace Sluice.Protocols.Rtmp.Commands;

/// <summary>
/// What an RTMP client names: the application of <c>connect</c> and the stream of <c>publish</c>/<c>play</c>,
/// each possibly with a query (<c>live?token=x</c>, <c>cam1?password=secret</c>). The stream is
/// <c>APP/NAME</c> (a <c>live APP</c> prefix) or <c>NAME</c> (a configured stream, whatever the app).
/// </summary>
internal readonly record struct StreamPath(string App, string Name, string Query)
{
    /// <summary>The names to try in order: <c>APP/NAME</c>, then <c>NAME</c> (just <c>APP</c> when the name is empty).</summary>
    public IEnumerable<string> Candidates()
    {
        if (Name.Length == 0)
        {
            if (App.Length > 0) yield return App;
            yield break;
        }
        if (App.Length > 0) yield return App + "/" + Name;
        yield return Name;
    }

    /// <summary>The name as a client asked for it, for logs and refusals.</summary>
    public string Display => App.Length == 0 ? Name : Name.Length == 0 ? App : App + "/" + Name;

    /// <summary>Builds the path of an application (with its query) and a stream argument (with its query).</summary>
    public static StreamPath Of(string app, string stream)
    {
        var (appName, appQuery) = Split(app.Trim('/'));
        var (name, query) = Split(stream.Trim('/'));
        // ffmpeg names .mp4 and .flv files "mp4:name" / "flv:name"; live streams do not use it.
        if (name.StartsWith("flv:", StringComparison.Ordinal) || name.StartsWith("mp4:", StringComparison.Ordinal)) name = name[4..];
        var joined = appQuery.Length == 0 ? query : query.Length == 0 ? appQuery : appQuery + "&" + query;
        return new StreamPath(appName, name, joined);
    }

    private static (string, string) Split(string text)
    {
        var q = text.IndexOf('?');
        return q < 0 ? (text, "") : (text[..q], text[(q + 1)..]);
    }
}
