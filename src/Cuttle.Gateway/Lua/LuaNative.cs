using System.Runtime.InteropServices;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// The two Lua C functions the count hook calls on whatever thread it fires in. KeraLua would need a managed wrapper
/// for that thread (Lua.FromIntPtr), and for a coroutine the script created it allocates one and pins it with a
/// GCHandle that is never freed; the raw calls need neither. Same library KeraLua loads ("lua54").
/// </summary>
internal static class LuaNative
{
    private const string Library = "lua54";

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    internal static extern int lua_isyieldable(IntPtr state);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    internal static extern int lua_yieldk(IntPtr state, int results, IntPtr context, IntPtr continuation);
}
