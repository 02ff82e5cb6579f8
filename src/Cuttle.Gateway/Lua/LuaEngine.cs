using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Cuttle.Gateway.Data;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// One prepared Lua 5.4 state: the krakend-lua API registered (request, response, luaTable, luaList,
/// custom_error), the sources run, the pre/post snippets compiled. Go objects handed to Lua are userdata holding an
/// index into <see cref="_handles"/>, cleared after each use, so no managed pointer ever lives in Lua memory.
/// </summary>
internal sealed class LuaEngine : IDisposable
{
    internal const string RequestMeta = "cuttle.request";
    internal const string ResponseMeta = "cuttle.response";
    internal const string TableMeta = "luaTable";
    internal const string ListMeta = "luaList";
    internal const string ContextMeta = "cuttle.ctx";
    private const string EngineKey = "cuttle.engine";
    private const string CustomErrorMarker = "__cuttle_custom_error";

    // custom_error raises a marked table: raising from a C# callback would longjmp across managed frames.
    private const string Prelude = """
        local error = error
        function custom_error(msg, code, ct)
          if msg == nil then error("need arguments", 0) end
          error({__cuttle_custom_error = true, msg = msg, code = code, ct = ct}, 0)
        end
        """;

    private static readonly ConcurrentDictionary<long, LuaEngine> Engines = new();
    private static long _nextId;

    private readonly LuaState _lua;
    private readonly long _id;
    private readonly List<object> _handles = new(8);
    private readonly int _preRef;
    private readonly int _postRef;
    private bool _broken;

    public LuaEngine(LuaScript script, string sources)
    {
        _lua = new LuaState(openLibs: true) { Encoding = System.Text.Encoding.UTF8 };
        _id = Interlocked.Increment(ref _nextId);
        Engines[_id] = this;
        try
        {
            _lua.PushInteger(_id);
            _lua.SetField((int)LuaRegistry.Index, EngineKey);
            Run(Prelude, "prelude");
            LuaApi.Register(_lua);
            if (!script.Options.AllowOpenLibs) StripLibraries();
            if (sources.Length > 0) Run(sources, "sources");
            _preRef = Compile(script.Options.Pre, "pre-script");
            _postRef = Compile(script.Options.Post, "post-script");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal LuaState State => _lua;

    /// <summary>What request.load() / response.load() return during the current call.</summary>
    public LuaRequest? Request { get; set; }
    public ProxyResponse? Response { get; set; }
    public LuaHttpContext? Context { get; set; }

    internal static LuaEngine? From(IntPtr state)
    {
        var lua = LuaState.FromIntPtr(state);
        lua.GetField(LuaRegistry.Index, EngineKey);
        var id = lua.ToInteger(-1);
        lua.Pop(1);
        return Engines.TryGetValue(id, out var engine) ? engine : null;
    }

    /// <summary>Runs the source files again (live: true re-reads them per request).</summary>
    public ProxyError? RunSources(string sources) => Call(Load(sources, "sources"));

    public ProxyError? RunPre() => _preRef == 0 ? null : CallRef(_preRef);

    public ProxyError? RunPost() => _postRef == 0 ? null : CallRef(_postRef);

    /// <summary>Makes an object reachable from Lua as a userdata of the given metatable.</summary>
    internal void Push(object value, string meta)
    {
        _handles.Add(value);
        var block = _lua.NewUserData(sizeof(int));
        Marshal.WriteInt32(block, _handles.Count - 1);
        _lua.SetMetaTable(meta);
    }

    internal object? Get(int index, string meta)
    {
        var block = _lua.TestUserData(index, meta);
        if (block == IntPtr.Zero) return null;
        var handle = Marshal.ReadInt32(block);
        return (uint)handle < (uint)_handles.Count ? _handles[handle] : null;
    }

    /// <summary>Any of our userdata at that index (luaTable/luaList/request/response), else null.</summary>
    internal object? GetAny(int index)
        => Get(index, TableMeta) ?? Get(index, ListMeta) ?? Get(index, RequestMeta) ?? Get(index, ResponseMeta) ?? Get(index, ContextMeta);

    /// <summary>Clears the per-request handles; a state whose stack went wrong is dropped instead of pooled.</summary>
    public bool Reset()
    {
        _handles.Clear();
        Request = null;
        Response = null;
        Context = null;
        if (_broken || _lua.GetTop() != 0)
        {
            Dispose();
            return false;
        }
        return true;
    }

    public void Dispose()
    {
        Engines.TryRemove(_id, out _);
        _lua.Dispose();
    }

    private void Run(string code, string name)
    {
        var error = Call(Load(code, name));
        if (error is not null) throw new LuaScriptException(error.Message);
    }

    private int Compile(string code, string name)
    {
        if (string.IsNullOrWhiteSpace(code)) return 0;
        if (_lua.LoadString(code, name) != LuaStatus.OK) throw new LuaScriptException(PopMessage());
        return _lua.Ref(LuaRegistry.Index);
    }

    private LuaStatus Load(string code, string name) => _lua.LoadString(code, name);

    private ProxyError? CallRef(int reference)
    {
        _lua.RawGetInteger(LuaRegistry.Index, reference);
        return Call(LuaStatus.OK);
    }

    private ProxyError? Call(LuaStatus loaded)
    {
        if (loaded != LuaStatus.OK) return new ProxyError(PopMessage());
        if (_lua.PCall(0, 0, 0) == LuaStatus.OK) return null;
        return PopError();
    }

    /// <summary>krakend-lua ToError: custom_error(msg) → 500, custom_error(msg, code[, content type]) → that status.</summary>
    private ProxyError PopError()
    {
        if (_lua.Type(-1) == LuaType.Table)
        {
            _lua.GetField(-1, CustomErrorMarker);
            var marked = _lua.ToBoolean(-1);
            _lua.Pop(1);
            if (marked)
            {
                _lua.GetField(-1, "msg");
                var msg = _lua.IsStringOrNumber(-1) ? _lua.ToString(-1, false) : "";
                _lua.Pop(1);
                _lua.GetField(-1, "code");
                var code = _lua.IsNumber(-1) ? (int)_lua.ToNumber(-1) : -1;
                _lua.Pop(1);
                _lua.GetField(-1, "ct");
                var ct = _lua.IsStringOrNumber(-1) ? _lua.ToString(-1, false) : null;
                _lua.Pop(2);
                return code == -1 ? new ProxyError(msg) : new ProxyError(msg, code, ct);
            }
        }
        return new ProxyError(PopMessage());
    }

    private string PopMessage()
    {
        var message = _lua.IsStringOrNumber(-1) ? _lua.ToString(-1, false) : "lua error (" + _lua.TypeName(_lua.Type(-1)) + ")";
        _lua.Pop(1);
        return message;
    }

    /// <summary>
    /// allow_open_libs: false. krakend-lua's binder then skips gopher-lua's standard libraries; here the libraries
    /// are opened for the prelude and then removed from the globals, leaving only the krakend-lua API.
    /// </summary>
    private void StripLibraries()
    {
        var names = new List<string>();
        _lua.PushGlobalTable();
        _lua.PushNil();
        while (_lua.Next(-2))
        {
            _lua.Pop(1);
            if (_lua.Type(-1) == LuaType.String) names.Add(_lua.ToString(-1, false));
        }
        _lua.Pop(1);
        foreach (var name in names)
        {
            if (name is "ctx" or "request" or "response" or "luaTable" or "luaList" or "custom_error" or "_G") continue;
            _lua.PushNil();
            _lua.SetGlobal(name);
        }
    }

    internal void MarkBroken() => _broken = true;
}
