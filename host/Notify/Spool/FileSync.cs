using System.Runtime.InteropServices;

namespace Sluice.Host.Notify.Spool;

/// <summary><c>fdatasync</c>: the file's data (and its size) on disk, without the rest of its metadata.</summary>
internal static class FileSync
{
    public static void DataToDisk(FileStream file)
    {
        if (!OperatingSystem.IsLinux())
        {
            file.Flush(flushToDisk: true);
            return;
        }
        var handle = file.SafeFileHandle;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (FDataSync((int)handle.DangerousGetHandle()) != 0)
                throw new IOException($"fdatasync failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FDataSync(int fd);
}
