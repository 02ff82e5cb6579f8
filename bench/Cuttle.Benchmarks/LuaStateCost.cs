using System.Diagnostics;
using Cuttle.Config.Model;
using Cuttle.Gateway.Lua;

namespace Cuttle.Benchmarks;

/// <summary>
/// What a Lua script costs per request under three lifetimes of its state: (a) a fresh state per request (what
/// krakend-lua does: a new gopher-lua state, the sources run, then pre), (b) a pooled state reset by walking and
/// restoring everything reachable from the registry, (c) a pooled state reused as is (Cuttle before, which leaks
/// globals between requests). Stopwatch over N runs on one thread; bytes are managed bytes allocated per run.
/// </summary>
internal static class LuaStateCost
{
    // A typical source file: a few helpers and a table of constants, and a pre that calls into them.
    private const string Source = """
        local allowed = { GET = true, POST = true, PUT = true }
        local prefix = "/v1"
        function normalize(s) return string.lower(string.gsub(s, "%s+", "")) end
        function check(method, path)
          if not allowed[method] then return false end
          return string.sub(path, 1, #prefix) == prefix
        end
        function tag(t) local out = {} for k, v in pairs(t) do out[#out + 1] = k .. "=" .. tostring(v) end table.sort(out) return table.concat(out, ",") end
        """;

    private const string Pre = "local x = normalize(' A B ') if not check('GET', '/v1/x') then custom_error('no', 400) end seen = tag({a = 1, b = x})";

    public static void Print(int iterations)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cuttle-lua-cost-{Environment.ProcessId}.lua");
        File.WriteAllText(file, Source);
        try
        {
            var options = new LuaOptions { Namespace = "modifier/lua-proxy", Sources = [file], Pre = Pre, AllowOpenLibs = true };
            var script = LuaScript.Build(options, "endpoint /bench");
            Console.WriteLine($"iterations: {iterations}");
            Console.WriteLine("| state per request | µs | B alloc |");
            Console.WriteLine("|---|---:|---:|");
            Row("(a) fresh state", iterations, () =>
            {
                using var engine = script.Open(null);
                Check(engine.RunPre());
            });
            Row("  of which lua_newstate + openlibs", iterations, () => new KeraLua.Lua(openLibs: true).Dispose());
            Row("  of which lua_newstate", iterations, () => new KeraLua.Lua(openLibs: false).Dispose());
            using var resettable = script.Open(null);
            Snapshot(resettable);
            Row("(b) pooled, tables reset", iterations, () =>
            {
                Check(resettable.RunPre());
                Restore(resettable);
            });
            using var reused = script.Open(null);
            Row("(c) pooled, reused as is", iterations, () => Check(reused.RunPre()));
        }
        finally
        {
            File.Delete(file);
        }
    }

    // (b)'s reset, a lower bound of any sound one: every table reachable from the registry (globals, libraries,
    // package.loaded, metatables) gets its snapshot contents and metatable back. A sound reset would also have to
    // restore the upvalues of every closure, refuse coroutines and userdata it cannot copy, reseed math.random and
    // reset the collector, and could still not hide a table's iteration order or collectgarbage("count").
    private const string SnapshotCode = """
        local registry, strmt, getmt, setmt = ...
        local next, rawset, type = next, rawset, type
        local saved = {}
        local function walk(t)
          if saved[t] then return end
          local copy = {}
          saved[t] = copy
          for k, v in next, t do
            copy[k] = v
            if type(k) == "table" then walk(k) end
            if type(v) == "table" then walk(v) end
          end
          local mt = getmt(t)
          copy[saved] = mt or false
          if mt then walk(mt) end
        end
        local function restore()
          for t, copy in next, saved do
            for k in next, t do if copy[k] == nil then rawset(t, k, nil) end end
            for k, v in next, copy do if k ~= saved then rawset(t, k, v) end end
            setmt(t, copy[saved] or nil)
          end
        end
        registry["bench.restore"] = restore
        walk(registry)
        walk(strmt)
        saved[saved] = nil
        """;

    // Raw metatable access (the prelude's setmetatable refuses protected metatables, as Lua's does).
    private static readonly KeraLua.LuaFunction GetMt = state =>
    {
        var l = KeraLua.Lua.FromIntPtr(state);
        if (!l.GetMetaTable(1)) l.PushNil();
        return 1;
    };

    private static readonly KeraLua.LuaFunction SetMt = state =>
    {
        var l = KeraLua.Lua.FromIntPtr(state);
        l.SetTop(2);
        l.SetMetaTable(1);
        return 0;
    };

    private static void Snapshot(LuaEngine engine)
    {
        var l = engine.State;
        if (l.LoadString(SnapshotCode, "snapshot") != KeraLua.LuaStatus.OK) throw new InvalidOperationException(l.ToString(-1));
        l.PushCopy((int)KeraLua.LuaRegistry.Index);
        l.PushString("");
        l.GetMetaTable(-1);
        l.Remove(-2);
        l.PushCFunction(GetMt);
        l.PushCFunction(SetMt);
        if (l.PCall(4, 0, 0) != KeraLua.LuaStatus.OK) throw new InvalidOperationException(l.ToString(-1));
    }

    private static void Restore(LuaEngine engine)
    {
        var l = engine.State;
        l.GetField(KeraLua.LuaRegistry.Index, "bench.restore");
        if (l.PCall(0, 0, 0) != KeraLua.LuaStatus.OK) throw new InvalidOperationException(l.ToString(-1));
    }

    private static void Check(Gateway.Data.ProxyError? error)
    {
        if (error is not null) throw new InvalidOperationException(error.Message);
    }

    private static void Row(string name, int iterations, Action run)
    {
        for (var i = 0; i < Math.Min(iterations, 2_000); i++) run();
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) run();
        var us = sw.Elapsed.TotalMicroseconds / iterations;
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
        Console.WriteLine($"| {name} | {us:F1} | {bytes} |");
    }
}
