namespace Cuttle.Gateway.Lua;

/// <summary>A Lua chunk failed to compile or run while a state was being prepared.</summary>
internal sealed class LuaScriptException(string message) : Exception(message);
