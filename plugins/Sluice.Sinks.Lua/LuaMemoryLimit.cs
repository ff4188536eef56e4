using System.Runtime.InteropServices;
using KeraLua;

namespace Sluice.Sinks.Lua;

/// <summary>
/// The Lua state's allocator: native memory with a ceiling. Over the limit it returns NULL and
/// Lua raises "not enough memory" in the script (from native code), so a runaway script cannot eat
/// the host's memory before its time limit.
/// </summary>
internal sealed unsafe class LuaMemoryLimit(long limitBytes)
{
    private long _used;

    public long Used => Interlocked.Read(ref _used);

    /// <summary>Kept by the owner for as long as the state lives: native code calls it.</summary>
    public LuaAlloc Allocator => Allocate;

    private IntPtr Allocate(IntPtr ud, IntPtr ptr, UIntPtr osize, UIntPtr nsize)
    {
        // When ptr is NULL, osize encodes the kind of object, not a size.
        var oldSize = ptr == IntPtr.Zero ? 0L : (long)osize;
        var newSize = (long)nsize;
        if (newSize == 0)
        {
            if (ptr != IntPtr.Zero) NativeMemory.Free((void*)ptr);
            Interlocked.Add(ref _used, -oldSize);
            return IntPtr.Zero;
        }
        if (newSize > oldSize && Interlocked.Read(ref _used) + newSize - oldSize > limitBytes) return IntPtr.Zero;
        var block = NativeMemory.Realloc((void*)ptr, (nuint)newSize);
        if (block == null) return IntPtr.Zero;
        Interlocked.Add(ref _used, newSize - oldSize);
        return (IntPtr)block;
    }
}
