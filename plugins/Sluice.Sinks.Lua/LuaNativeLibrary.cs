using System.Reflection;
using System.Runtime.InteropServices;

namespace Sluice.Sinks.Lua;

/// <summary>
/// KeraLua imports "lua54". Inside a plugin's AssemblyLoadContext the host may or may not resolve
/// native assets from the plugin's deps.json, so the plugin resolves it from its own folder
/// (runtimes/RID/native/liblua54.so) and only falls back to the default probing.
/// </summary>
internal static class LuaNativeLibrary
{
    private static int _installed;

    public static void EnsureResolvable()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(KeraLua.Lua).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for this KeraLua assembly (by the host): keep it.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "lua54") return IntPtr.Zero;
        var folder = Path.GetDirectoryName(typeof(LuaNativeLibrary).Assembly.Location);
        if (string.IsNullOrEmpty(folder)) return IntPtr.Zero;
        foreach (var candidate in Candidates(folder))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates(string folder)
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var (os, file) = OperatingSystem.IsWindows() ? ("win", "lua54.dll")
            : OperatingSystem.IsMacOS() ? ("osx", "liblua54.dylib")
            : ("linux", "liblua54.so");
        yield return Path.Combine(folder, "runtimes", $"{os}-{arch}", "native", file);
        yield return Path.Combine(folder, file);
    }
}
