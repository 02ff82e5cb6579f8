using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Cuttle.Gateway.Data;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// One Lua 5.4 state for one request: the krakend-lua API registered (request, response, luaTable, luaList,
/// custom_error), the sources run, the pre/post snippets loaded. Go objects handed to Lua are userdata holding an
/// index into <see cref="_handles"/>, so no managed pointer ever lives in Lua memory.
/// <para>
/// A state serves one request and is closed (krakend-lua builds a new gopher-lua state per request): nothing a script
/// does (globals, library tables, metatables, upvalues, package.loaded, the registry) can reach a later request.
/// Reset-and-pool was measured (bench/RESULTS.md): restoring only the tables reachable from the registry already
/// costs a third of a new state, and even a full restore could not hide table iteration order or memory use. The code
/// every state runs is compiled once (<see cref="LuaChunk"/>), so a state costs the libraries and running the code.
/// </para>
/// <para>
/// Script code runs in one coroutine of the state under a count hook that stops it once the request's token is
/// cancelled (endpoint timeout, client gone): a script that never returns would otherwise hold its thread and a core
/// for ever. Stopping has to be a yield, never an error: a Lua error raised in the hook longjmps out of the managed
/// hook frame, which .NET does not survive. From a count hook <c>lua_yield</c> only marks the thread and returns; Lua
/// unwinds to <c>lua_resume</c> after the hook is back in native code. A state stopped mid-script is discarded.
/// </para>
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

    /// <summary>VM instructions between two deadline checks: a few microseconds of script, a cost well under 1 %.</summary>
    internal const int HookInterval = 1000;

    // custom_error raises a marked table: raising from a C# callback would longjmp across managed frames.
    // setmetatable never registers a finalizer: Lua runs __gc with hooks off, so a looping one could not be stopped
    // (gopher-lua, KrakenD's Lua, has no __gc either); the field is hidden while the metatable is set, which is when
    // Lua decides. debug keeps only what gopher-lua's has: debug.sethook would remove the deadline hook, and
    // debug.getmetatable would reach the API's metatables (whose __gc would apply to every new luaTable).
    // load, loadfile and dofile take text only: Lua 5.4 does not verify precompiled chunks (a crafted one corrupts
    // memory), and gopher-lua has no binary chunks at all.
    private const string Prelude = """
        local error, pcall, rawget, rawset, type = error, pcall, rawget, rawset, type
        function custom_error(msg, code, ct)
          if msg == nil then error("need arguments", 0) end
          error({__cuttle_custom_error = true, msg = msg, code = code, ct = ct}, 0)
        end
        local function without_gc(set)
          return function(o, mt)
            local gc = type(mt) == "table" and rawget(mt, "__gc") or nil
            if gc == nil then return set(o, mt) end
            rawset(mt, "__gc", nil)
            local ok, r = pcall(set, o, mt)
            rawset(mt, "__gc", gc)
            if not ok then error(r, 2) end
            return r
          end
        end
        setmetatable = without_gc(setmetatable)
        local load_, loadfile_, select = load, loadfile, select
        if load_ then
          function load(chunk, name, _, ...)
            if select("#", ...) > 0 then return load_(chunk, name, "t", ...) end
            return load_(chunk, name, "t")
          end
        end
        if loadfile_ then
          function loadfile(name, _, ...)
            if select("#", ...) > 0 then return loadfile_(name, "t", ...) end
            return loadfile_(name, "t")
          end
          function dofile(name)
            local f, err = loadfile_(name, "t")
            if not f then error(err, 2) end
            return f()
          end
        end
        if debug then
          local d = debug
          debug = {
            getinfo = d.getinfo, getlocal = d.getlocal, setlocal = d.setlocal, getupvalue = d.getupvalue,
            setupvalue = d.setupvalue, traceback = d.traceback, getmetatable = getmetatable,
            setmetatable = without_gc(d.setmetatable),
          }
          package.loaded.debug = debug
        end
        """;

    // The coroutine's body: a pcall, so a script error (custom_error included) ends the run with the thread still
    // usable and its to-be-closed variables closed inside the coroutine, under the hook.
    private const string Runner = "local pcall = pcall return function(f) return pcall(f) end";

    // allow_open_libs: false. krakend-lua's binder then skips gopher-lua's standard libraries; here the libraries
    // are opened for the prelude and then removed from the globals, leaving only the krakend-lua API.
    private const string Strip = """
        local keep = { ctx = true, request = true, response = true, luaTable = true, luaList = true, custom_error = true, _G = true }
        local next, G = next, _G
        for k in next, G do
          if not keep[k] then G[k] = nil end
        end
        """;

    private static readonly byte[] PreludeChunk = LuaChunk.Compile(Prelude, "prelude");
    private static readonly byte[] RunnerChunk = LuaChunk.Compile(Runner, "runner");
    private static readonly byte[] StripChunk = LuaChunk.Compile(Strip, "strip");

    // Held statically so the function pointer handed to lua_sethook stays valid.
    private static readonly LuaHookFunction CountHook = OnCount;

    // The engine whose coroutine this OS thread is resuming: the hook has only the native state to go by.
    [ThreadStatic] private static LuaEngine? t_running;

    private static readonly ConcurrentDictionary<long, LuaEngine> Engines = new();
    private static long _nextId;

    private readonly LuaState _lua;
    private readonly LuaState _thread;
    private readonly int _runnerRef;
    private readonly long _id;
    private readonly List<object> _handles = new(8);
    private readonly int _preRef;
    private readonly int _postRef;
    private CancellationToken _token;
    private volatile bool _stopped;

    /// <summary>Builds a state and runs the script's sources (compiled ones, or <paramref name="liveSources"/>
    /// read again for this request) under <paramref name="ct"/>: none at build time, the request's token on the
    /// request path. Throws <see cref="LuaScriptException"/> when they fail or are stopped.</summary>
    public LuaEngine(LuaScript script, string? liveSources = null, CancellationToken ct = default)
    {
        _lua = new LuaState(openLibs: true) { Encoding = System.Text.Encoding.UTF8 };
        _id = Interlocked.Increment(ref _nextId);
        Engines[_id] = this;
        try
        {
            _lua.PushInteger(_id);
            _lua.SetField((int)LuaRegistry.Index, EngineKey);
            Run(PreludeChunk, "prelude");
            if (LuaChunk.Load(_lua, RunnerChunk, "runner") != LuaStatus.OK || _lua.PCall(0, 1, 0) != LuaStatus.OK) throw new LuaScriptException(PopMessage(_lua));
            _runnerRef = _lua.Ref(LuaRegistry.Index);
            _thread = _lua.NewThread();
            _lua.Ref(LuaRegistry.Index); // anchored for the state's life
            // Coroutines a script creates inherit the hook from this thread.
            _thread.SetHook(CountHook, LuaHookMask.Count, HookInterval);
            LuaApi.Register(_lua);
            if (!script.Options.AllowOpenLibs) Run(StripChunk, "strip");
            ProxyError? error = null;
            if (liveSources is not null) error = RunSources(liveSources, ct);
            else if (script.SourcesChunk is { } sources) error = RunChunk(sources, ct);
            if (error is not null) throw new LuaScriptException(error.Message);
            _preRef = Load(script.PreChunk);
            _postRef = Load(script.PostChunk);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What a run stopped by its token reports (Go's context error; the endpoint answers 500 or partial).</summary>
    internal static ProxyError StoppedError() => new("context deadline exceeded");

    /// <summary>The run was stopped by its token: the state is not reused.</summary>
    public bool Stopped => _stopped;

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

    /// <summary>Runs the source files as text (live: true re-reads them per request).</summary>
    private ProxyError? RunSources(string sources, CancellationToken ct)
    {
        if (_thread.LoadString(sources, "sources") != LuaStatus.OK) return new ProxyError(PopMessage(_thread));
        return Resume(ct);
    }

    private ProxyError? RunChunk(byte[] chunk, CancellationToken ct)
    {
        if (LuaChunk.Load(_thread, chunk, "sources") != LuaStatus.OK) return new ProxyError(PopMessage(_thread));
        return Resume(ct);
    }

    public ProxyError? RunPre(CancellationToken ct = default) => _preRef == 0 ? null : RunRef(_preRef, ct);

    public ProxyError? RunPost(CancellationToken ct = default) => _postRef == 0 ? null : RunRef(_postRef, ct);

    /// <summary>Makes an object reachable from Lua as a userdata of the given metatable, on the calling thread's stack.</summary>
    internal void Push(LuaState l, object value, string meta)
    {
        _handles.Add(value);
        var block = l.NewUserData(sizeof(int));
        Marshal.WriteInt32(block, _handles.Count - 1);
        l.SetMetaTable(meta);
    }

    internal object? Get(LuaState l, int index, string meta)
    {
        var block = l.TestUserData(index, meta);
        if (block == IntPtr.Zero) return null;
        var handle = Marshal.ReadInt32(block);
        return (uint)handle < (uint)_handles.Count ? _handles[handle] : null;
    }

    /// <summary>Any of our userdata at that index (luaTable/luaList/request/response), else null.</summary>
    internal object? GetAny(LuaState l, int index)
        => Get(l, index, TableMeta) ?? Get(l, index, ListMeta) ?? Get(l, index, RequestMeta) ?? Get(l, index, ResponseMeta) ?? Get(l, index, ContextMeta);

    public void Dispose()
    {
        Engines.TryRemove(_id, out _);
        _handles.Clear();
        _lua.Dispose();
    }

    /// <summary>Our own code (the prelude, the library strip) on the main thread, unhooked.</summary>
    private void Run(byte[] chunk, string name)
    {
        if (LuaChunk.Load(_lua, chunk, name) != LuaStatus.OK || _lua.PCall(0, 0, 0) != LuaStatus.OK) throw new LuaScriptException(PopMessage(_lua));
    }

    private int Load(byte[]? chunk)
    {
        if (chunk is null) return 0;
        if (LuaChunk.Load(_lua, chunk, "snippet") != LuaStatus.OK) throw new LuaScriptException(PopMessage(_lua));
        return _lua.Ref(LuaRegistry.Index);
    }

    private ProxyError? RunRef(int reference, CancellationToken ct)
    {
        _thread.RawGetInteger(LuaRegistry.Index, reference);
        return Resume(ct);
    }

    /// <summary>Runs the function on top of the coroutine's (otherwise empty) stack under the count hook.</summary>
    private ProxyError? Resume(CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            _thread.SetTop(0);
            return StoppedError();
        }
        _thread.RawGetInteger(LuaRegistry.Index, _runnerRef);
        _thread.Insert(-2);
        _token = ct;
        var outer = t_running;
        t_running = this;
        LuaStatus status;
        try
        {
            status = _thread.Resume(null, 1, out _);
        }
        finally
        {
            t_running = outer;
            _token = default;
        }
        // A stopped run may have left the thread suspended or a script coroutine cut short: nothing more runs in it.
        if (_stopped) return StoppedError();
        if (status == LuaStatus.Yield)
        {
            // coroutine.yield() at the top of a script; gopher-lua refuses it the same way.
            return new ProxyError("attempt to yield from outside a coroutine");
        }
        if (status != LuaStatus.OK)
        {
            // Only if the script broke the runner (debug.setupvalue): the coroutine is dead.
            return PopError(_thread);
        }
        ProxyError? error = null;
        if (!_thread.ToBoolean(1))
        {
            _thread.SetTop(2);
            error = PopError(_thread);
        }
        _thread.SetTop(0);
        return error;
    }

    /// <summary>
    /// Every <see cref="HookInterval"/> instructions of any coroutine of an engine being run. Once the run's token is
    /// cancelled it yields the coroutine it fires in; a script coroutine yielded early returns to the script's code
    /// in the engine's coroutine, whose own hook then stops the run. Where yielding is impossible (Lua code called
    /// from C: a table.sort comparator, a string.gsub function) the hook lets the code go on and tries again at the
    /// next count, so a loop that never leaves such a callback, or one long C call, cannot be stopped.
    /// </summary>
    private static void OnCount(IntPtr state, IntPtr ar)
    {
        var engine = t_running;
        if (engine is null || !engine._token.IsCancellationRequested) return;
        engine._stopped = true;
        if (LuaNative.lua_isyieldable(state) != 0) LuaNative.lua_yieldk(state, 0, IntPtr.Zero, IntPtr.Zero);
    }

    /// <summary>krakend-lua ToError: custom_error(msg) → 500, custom_error(msg, code[, content type]) → that status.</summary>
    private static ProxyError PopError(LuaState l)
    {
        // Raw reads only: a metamethod of the error value would run unprotected, outside any coroutine or pcall.
        var marked = false;
        if (l.Type(-1) == LuaType.Table)
        {
            RawField(l, CustomErrorMarker);
            marked = l.ToBoolean(-1);
            l.Pop(1);
        }
        if (marked)
        {
            RawField(l, "msg");
            var msg = l.IsStringOrNumber(-1) ? l.ToString(-1, false) : "";
            l.Pop(1);
            RawField(l, "code");
            var code = l.IsNumber(-1) ? (int)l.ToNumber(-1) : -1;
            l.Pop(1);
            RawField(l, "ct");
            var ct = l.IsStringOrNumber(-1) ? l.ToString(-1, false) : null;
            l.Pop(2);
            return code == -1 ? new ProxyError(msg) : new ProxyError(msg, code, ct);
        }
        return new ProxyError(PopMessage(l));
    }

    /// <summary>Pushes table[-1][name] without metamethods.</summary>
    private static LuaType RawField(LuaState l, string name)
    {
        l.PushString(name);
        return l.RawGet(-2);
    }

    private static string PopMessage(LuaState l)
    {
        var message = l.IsStringOrNumber(-1) ? l.ToString(-1, false) : "lua error (" + l.TypeName(l.Type(-1)) + ")";
        l.Pop(1);
        return message;
    }
}
