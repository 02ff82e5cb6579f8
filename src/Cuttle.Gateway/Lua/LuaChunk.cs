using System.Runtime.InteropServices;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// Lua code compiled once to Lua's binary form, so the fresh state each request gets (krakend-lua builds a new
/// gopher-lua state per request) loads it without parsing it again. Only chunks compiled here, in this process, are
/// ever loaded in binary form: Lua does not verify binary chunks, which is why scripts' own load() takes text only.
/// </summary>
internal static class LuaChunk
{
    /// <summary>Compiles <paramref name="code"/> under chunk name <paramref name="name"/>; throws <see cref="LuaScriptException"/> on a syntax error.</summary>
    public static byte[] Compile(string code, string name)
    {
        using var lua = new LuaState(openLibs: false) { Encoding = System.Text.Encoding.UTF8 };
        if (lua.LoadString(code, name) != LuaStatus.OK)
        {
            var message = lua.ToString(-1, false);
            throw new LuaScriptException(message);
        }
        var output = new MemoryStream();
        // Debug information is kept: error messages name the chunk and line as the text would.
        LuaWriter writer = (_, block, size, _) =>
        {
            var bytes = new byte[(int)size];
            Marshal.Copy(block, bytes, 0, bytes.Length);
            output.Write(bytes);
            return 0;
        };
        lua.Dump(writer, IntPtr.Zero, false);
        GC.KeepAlive(writer);
        return output.ToArray();
    }

    /// <summary>Loads a chunk compiled by <see cref="Compile"/> onto <paramref name="lua"/>'s stack.</summary>
    public static LuaStatus Load(LuaState lua, byte[] chunk, string name) => lua.LoadBuffer(chunk, name, "b");
}
