namespace Sluice.Protocols.Rtmp.Commands;

/// <summary>The NetConnection and NetStream status codes players and encoders react to.</summary>
internal static class Status
{
    public const string ConnectSuccess = "NetConnection.Connect.Success";
    public const string ConnectRejected = "NetConnection.Connect.Rejected";
    public const string PublishStart = "NetStream.Publish.Start";
    public const string PublishBadName = "NetStream.Publish.BadName";
    public const string UnpublishSuccess = "NetStream.Unpublish.Success";
    public const string PlayReset = "NetStream.Play.Reset";
    public const string PlayStart = "NetStream.Play.Start";
    public const string PlayStreamNotFound = "NetStream.Play.StreamNotFound";
    public const string PlayFailed = "NetStream.Play.Failed";
    public const string PlayUnpublishNotify = "NetStream.Play.UnpublishNotify";
    public const string PlayPublishNotify = "NetStream.Play.PublishNotify";
    public const string PlayStop = "NetStream.Play.Stop";
}
