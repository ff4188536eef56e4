using Sluice.Abstractions.Events;

namespace Sluice.Dvr;

/// <summary>The DVR's events (docs/events.md): one method each, so their fields are written in one place.</summary>
internal sealed class DvrEvents(IEventEmitter? emitter)
{
    public void NewBlob(string media, string blob, string path) =>
        Emit("dvr_new_blob", media, new("blob", blob), new("path", path));

    public void NewFragment(string media, long fromMs, int durationMs, long bytes, string path) =>
        Emit("dvr_new_fragment", media, new("from", fromMs), new("duration", durationMs), new("bytes", bytes), new("path", path));

    public void DeletedFragments(string media, int count, long fromMs, long toMs, long bytes, string reason) =>
        Emit("dvr_deleted_fragments", media, new("count", count), new("from", fromMs), new("to", toMs), new("bytes", bytes), new("reason", reason));

    public void Indexed(string media, int fragments, long bytes, int repaired, int dropped, long? fromMs, long? toMs) =>
        Emit("dvr_archive_indexed", media, new("fragments", fragments), new("bytes", bytes), new("repaired", repaired), new("dropped", dropped),
            new("from", fromMs is { } f ? f : EventValue.Null), new("to", toMs is { } t ? t : EventValue.Null));

    public void WriteFailed(string media, string path, string error) =>
        Emit("dvr_write_failed", media, new("path", path), new("error", error));

    public void WriteResumed(string media, string path, long failedMs) =>
        Emit("dvr_write_resumed", media, new("path", path), new("failed_ms", failedMs));

    public void FramesDropped(string media, long dropped, long total) =>
        Emit("dvr_frames_dropped", media, new("dropped", dropped), new("total", total));

    public void ExportStart(string media, string path, long fromMs, long durationMs, string ip) =>
        Emit("dvr_mp4_export_start", media, new("path", path), new("from", fromMs), new("duration", durationMs), new("ip", ip));

    public void ExportReady(string media, string path, long bytes, long durationMs, int fragments, int gaps) =>
        Emit("dvr_mp4_export_ready", media, new("path", path), new("bytes", bytes), new("duration", durationMs), new("fragments", fragments), new("gaps", gaps));

    public void ExportFailed(string media, string path, string reason) =>
        Emit("dvr_mp4_export_failed", media, new("path", path), new("reason", reason));

    public void ExportAborted(string media, string path, long bytes) =>
        Emit("dvr_mp4_export_aborted", media, new("path", path), new("bytes", bytes), new("reason", "client_left"));

    private void Emit(string name, string media, params EventField[] fields) =>
        emitter?.Emit(new EventDraft(name) { Media = media, Fields = fields });
}
