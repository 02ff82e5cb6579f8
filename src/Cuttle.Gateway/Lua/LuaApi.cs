using System.Globalization;
using System.Text;
using System.Text.Json;
using Cuttle.Gateway.Data;
using Cuttle.Go;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// The Go-side API krakend-lua exposes to scripts (decorator/*.go, proxy/request.go, proxy/response.go). Every
/// callback catches everything: an exception must never cross back into the Lua C runtime.
/// </summary>
internal static class LuaApi
{
    // Delegates held statically so the native side's function pointers stay valid.
    private static readonly LuaFunction RequestLoad = Guard(RequestLoadImpl);
    private static readonly LuaFunction ResponseLoad = Guard(ResponseLoadImpl);
    private static readonly LuaFunction TableNew = Guard(l => { Push(l, DataTree.NewMap()); return 1; });
    private static readonly LuaFunction ListNew = Guard(l => { Push(l, new List<object?>()); return 1; });
    private static readonly (string, LuaFunction)[] RequestMethods =
    [
        ("method", Guard(ReqMethod)), ("path", Guard(ReqPath)), ("query", Guard(ReqQuery)), ("url", Guard(ReqUrl)),
        ("params", Guard(ReqParams)), ("headers", Guard(ReqHeaders)), ("body", Guard(ReqBody)),
    ];
    private static readonly (string, LuaFunction)[] ResponseMethods =
    [
        ("isComplete", Guard(RespIsComplete)), ("statusCode", Guard(RespStatusCode)), ("data", Guard(RespData)),
        ("headers", Guard(RespHeaders)), ("body", Guard(RespBody)),
    ];
    private static readonly LuaFunction ContextLoad = Guard(ContextLoadImpl);
    private static readonly (string, LuaFunction)[] ContextMethods =
    [
        ("method", Guard(CtxMethod)), ("url", Guard(CtxUrl)), ("host", Guard(CtxHost)), ("query", Guard(CtxQuery)),
        ("params", Guard(CtxParams)), ("headers", Guard(CtxHeaders)), ("body", Guard(CtxBody)),
    ];
    private static readonly (string, LuaFunction)[] TableMethods =
    [
        ("get", Guard(TableGet)), ("set", Guard(TableSet)), ("len", Guard(TableLen)), ("del", Guard(TableDel)),
        ("keys", Guard(TableKeys)), ("keyExists", Guard(TableKeyExists)),
    ];
    private static readonly (string, LuaFunction)[] ListMethods =
    [
        ("get", Guard(ListGet)), ("set", Guard(ListSet)), ("len", Guard(ListLen)), ("del", Guard(ListDel)),
    ];

    public static void Register(LuaState lua)
    {
        Class(lua, "request", LuaEngine.RequestMeta, RequestMethods, ("load", RequestLoad));
        Class(lua, "response", LuaEngine.ResponseMeta, ResponseMethods, ("load", ResponseLoad));
        Class(lua, "ctx", LuaEngine.ContextMeta, ContextMethods, ("load", ContextLoad));
        Class(lua, "luaTable", LuaEngine.TableMeta, TableMethods, ("new", TableNew));
        Class(lua, "luaList", LuaEngine.ListMeta, ListMethods, ("new", ListNew));
    }

    /// <summary>A global table with a static constructor, and a metatable whose __index is that same table.</summary>
    private static void Class(LuaState lua, string global, string meta, (string Name, LuaFunction Fn)[] methods, (string Name, LuaFunction Fn) ctor)
    {
        lua.NewTable();
        foreach (var (name, fn) in methods)
        {
            lua.PushCFunction(fn);
            lua.SetField(-2, name);
        }
        lua.PushCFunction(ctor.Fn);
        lua.SetField(-2, ctor.Name);
        lua.NewMetaTable(meta);
        lua.PushCopy(-2);
        lua.SetField(-2, "__index");
        // Out of the script's reach (getmetatable gives false): a __gc added there would finalize every new
        // userdata of the class, and finalizers run with the deadline hook off (LuaEngine).
        lua.PushBoolean(false);
        lua.SetField(-2, "__metatable");
        lua.Pop(1);
        lua.SetGlobal(global);
    }

    private static LuaFunction Guard(Func<LuaState, int> body) => state =>
    {
        try
        {
            var lua = LuaState.FromIntPtr(state);
            lua.Encoding = Encoding.UTF8;
            return body(lua);
        }
        catch (Exception)
        {
            // The state is closed after this request anyway; the call returns nothing.
            return 0;
        }
    };

    private static LuaEngine Engine(LuaState l) => LuaEngine.From(l.Handle) ?? throw new InvalidOperationException("no engine");

    private static void Push(LuaState l, object value)
    {
        var meta = value switch
        {
            Dictionary<string, object?> => LuaEngine.TableMeta,
            List<object?> => LuaEngine.ListMeta,
            LuaRequest => LuaEngine.RequestMeta,
            _ => LuaEngine.ResponseMeta,
        };
        Engine(l).Push(l, value, meta);
    }

    private static int RequestLoadImpl(LuaState l)
    {
        if (Engine(l).Request is not { } r) return 0;
        Push(l, r);
        return 1;
    }

    private static int ResponseLoadImpl(LuaState l)
    {
        if (Engine(l).Response is not { } r) return 0;
        Engine(l).Push(l, r, LuaEngine.ResponseMeta);
        return 1;
    }

    private static string Str(LuaState l, int index) => l.IsStringOrNumber(index) ? l.ToString(index, false) : l.IsBoolean(index) ? (l.ToBoolean(index) ? "true" : "false") : "";

    private static int ReqMethod(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.RequestMeta) is not LuaRequest r) return 0;
        if (l.GetTop() == 1) { l.PushString(r.Method); return 1; }
        r.Method = Str(l, 2);
        return 0;
    }

    private static int ReqPath(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.RequestMeta) is not LuaRequest r) return 0;
        if (l.GetTop() == 1) { l.PushString(r.Path); return 1; }
        r.Path = Str(l, 2);
        return 0;
    }

    private static int ReqQuery(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.RequestMeta) is not LuaRequest r) return 0;
        if (l.GetTop() == 1) { l.PushString(r.EncodedQuery()); return 1; }
        r.SetQuery(Str(l, 2));
        return 0;
    }

    private static int ReqUrl(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.RequestMeta) is not LuaRequest r) return 0;
        if (l.GetTop() == 1) { l.PushString(r.Url); return 1; }
        // krakend-lua url.Parses the new URL: it is kept in Go's form. One url.Parse refuses (control characters, bad
        // escapes) stays as written, and the backend call refuses it before anything is sent (BackendCaller.SendAsync).
        var url = Str(l, 2);
        r.Url = GoUrl.TryToRequestUrl(url) ?? url;
        r.UrlChanged = true;
        return 0;
    }

    private static int ReqParams(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.RequestMeta) is not LuaRequest r) return 0;
        switch (l.GetTop())
        {
            case 1:
                var map = DataTree.NewMap(r.Params.Count);
                foreach (var (k, v) in r.Params) map[k] = v;
                Push(l, map);
                return 1;
            case 2:
                l.PushString(r.Params.TryGetValue(Str(l, 2), out var value) ? value : "");
                return 1;
            default:
                r.Params[Str(l, 2)] = Str(l, 3);
                return 0;
        }
    }

    private static int ReqHeaders(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.RequestMeta) is not LuaRequest r) return 0;
        switch (l.GetTop())
        {
            case 1:
                var map = DataTree.NewMap(r.Headers.Count);
                foreach (var (k, v) in r.Headers)
                {
                    var list = new List<object?>(v.Count);
                    foreach (var s in v) list.Add(s);
                    map[k] = list;
                }
                Push(l, map);
                return 1;
            case 2:
                l.PushString(r.Header(Str(l, 2)) ?? "");
                return 1;
            default:
                r.SetHeader(Str(l, 2), l.IsNil(3) ? null : Str(l, 3));
                return 0;
        }
    }

    private static int ReqBody(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.RequestMeta) is not LuaRequest r) return 0;
        if (l.GetTop() >= 2) { r.Body = Encoding.UTF8.GetBytes(Str(l, 2)); return 0; }
        l.PushBuffer(r.Body ?? []);
        return 1;
    }

    private static int ContextLoadImpl(LuaState l)
    {
        if (Engine(l).Context is not { } c) return 0;
        Engine(l).Push(l, c, LuaEngine.ContextMeta);
        return 1;
    }

    private static Microsoft.AspNetCore.Http.HttpRequest? CtxRequest(LuaState l)
        => (Engine(l).Get(l, 1, LuaEngine.ContextMeta) as LuaHttpContext)?.Http.Request;

    private static int CtxMethod(LuaState l)
    {
        if (CtxRequest(l) is not { } r) return 0;
        if (l.GetTop() == 1) { l.PushString(r.Method); return 1; }
        r.Method = Str(l, 2);
        return 0;
    }

    private static int CtxUrl(LuaState l)
    {
        if (CtxRequest(l) is not { } r) return 0;
        if (l.GetTop() == 1) { l.PushString(r.Path.ToUriComponent() + r.QueryString.ToUriComponent()); return 1; }
        var raw = Str(l, 2);
        if (Uri.TryCreate(raw, UriKind.Absolute, out var abs) && abs.Scheme is "http" or "https") raw = abs.PathAndQuery;
        var q = raw.IndexOf('?');
        r.Path = Microsoft.AspNetCore.Http.PathString.FromUriComponent(q < 0 ? raw : raw[..q]);
        r.QueryString = q < 0 ? Microsoft.AspNetCore.Http.QueryString.Empty : new Microsoft.AspNetCore.Http.QueryString(raw[q..]);
        return 0;
    }

    private static int CtxHost(LuaState l)
    {
        if (CtxRequest(l) is not { } r) return 0;
        if (l.GetTop() == 1) { l.PushString(r.Host.Value ?? ""); return 1; }
        r.Host = new Microsoft.AspNetCore.Http.HostString(Str(l, 2));
        return 0;
    }

    private static int CtxQuery(LuaState l)
    {
        if (CtxRequest(l) is not { } r) return 0;
        switch (l.GetTop())
        {
            case 1: return 0;
            case 2:
                var values = r.Query[Str(l, 2)];
                l.PushString(values.Count > 0 ? values[0] ?? "" : "");
                return 1;
            default:
                var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(r.QueryString.Value);
                query[Str(l, 2)] = Str(l, 3);
                var keys = new List<string>(query.Keys);
                keys.Sort(StringComparer.Ordinal); // Go's url.Values.Encode sorts by key
                var sb = new StringBuilder();
                foreach (var k in keys)
                {
                    foreach (var v in query[k])
                    {
                        sb.Append(sb.Length == 0 ? '?' : '&');
                        GoUrl.AppendQueryEscaped(sb, k);
                        sb.Append('=');
                        GoUrl.AppendQueryEscaped(sb, v ?? "");
                    }
                }
                r.QueryString = new Microsoft.AspNetCore.Http.QueryString(sb.ToString());
                return 0;
        }
    }

    private static int CtxParams(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.ContextMeta) is not LuaHttpContext c) return 0;
        switch (l.GetTop())
        {
            case 1:
                var map = DataTree.NewMap(c.ParamNames.Length);
                for (var i = 0; i < c.ParamNames.Length && i < c.Parameters.Length; i++) map[c.ParamNames[i]] = c.Parameters[i];
                Push(l, map);
                return 1;
            case 2:
                var index = Array.IndexOf(c.ParamNames, Str(l, 2));
                l.PushString(index >= 0 && index < c.Parameters.Length ? c.Parameters[index] : "");
                return 1;
            default:
                // gin appends unknown params; Cuttle's endpoints only read their declared ones, so those are the ones kept.
                var at = Array.IndexOf(c.ParamNames, Str(l, 2));
                if (at >= 0 && at < c.Parameters.Length)
                {
                    c.Parameters[at] = Str(l, 3);
                    c.ParamsSet = true;
                }
                return 0;
        }
    }

    private static int CtxHeaders(LuaState l)
    {
        if (CtxRequest(l) is not { } r) return 0;
        switch (l.GetTop())
        {
            case 1:
                var map = DataTree.NewMap(r.Headers.Count);
                foreach (var (k, v) in r.Headers)
                {
                    var list = new List<object?>(v.Count);
                    foreach (var s in v) list.Add(s);
                    map[HeaderKey.Canonicalize(k)] = list;
                }
                Push(l, map);
                return 1;
            case 2:
                var values = r.Headers[Str(l, 2)];
                l.PushString(values.Count > 0 ? values[0] ?? "" : "");
                return 1;
            default:
                var key = HeaderKey.Canonicalize(Str(l, 2));
                if (l.IsNil(3)) r.Headers.Remove(key);
                else r.Headers[key] = Str(l, 3);
                return 0;
        }
    }

    private static int CtxBody(LuaState l)
    {
        if (CtxRequest(l) is not { } r) return 0;
        if (l.GetTop() >= 2)
        {
            var bytes = Encoding.UTF8.GetBytes(Str(l, 2));
            r.Body = new MemoryStream(bytes, writable: false);
            r.ContentLength = bytes.Length;
            return 0;
        }
        // The handler buffered the body into a MemoryStream before the script ran.
        if (r.Body is MemoryStream ms)
        {
            l.PushBuffer(ms.ToArray());
            ms.Position = 0;
        }
        else
        {
            l.PushString("");
        }
        return 1;
    }

    private static int RespIsComplete(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.ResponseMeta) is not ProxyResponse r) return 0;
        if (l.GetTop() == 1) { l.PushBoolean(r.IsComplete); return 1; }
        r.IsComplete = l.ToBoolean(2);
        return 0;
    }

    private static int RespStatusCode(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.ResponseMeta) is not ProxyResponse r) return 0;
        if (l.GetTop() == 1) { l.PushInteger(r.StatusCode); return 1; }
        r.StatusCode = (int)l.ToNumber(2);
        return 0;
    }

    private static int RespData(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.ResponseMeta) is not ProxyResponse r) return 0;
        Push(l, r.Data);
        return 1;
    }

    private static int RespHeaders(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.ResponseMeta) is not ProxyResponse r) return 0;
        switch (l.GetTop())
        {
            case 1:
                var map = DataTree.NewMap();
                if (r.Headers is not null)
                {
                    foreach (var (k, v) in r.Headers) map[k] = new List<object?>(v);
                }
                Push(l, map);
                return 1;
            case 2:
                var name = Str(l, 2);
                if (r.Headers is not null)
                {
                    foreach (var (k, v) in r.Headers)
                    {
                        if (k == name && v.Length > 0) { l.PushString(v[0]); return 1; }
                    }
                }
                l.PushString("");
                return 1;
            default:
                var key = HeaderKey.Canonicalize(Str(l, 2));
                r.Headers ??= [];
                r.Headers.RemoveAll(h => h.Key == key);
                if (!l.IsNil(3)) r.Headers.Add(new(key, [Str(l, 3)]));
                return 0;
        }
    }

    private static int RespBody(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.ResponseMeta) is not ProxyResponse r) return 0;
        if (l.GetTop() >= 2) { r.RawBody = Encoding.UTF8.GetBytes(Str(l, 2)); return 0; }
        l.PushBuffer(r.RawBody ?? []);
        return 1;
    }

    private static int TableGet(LuaState l)
    {
        if (l.GetTop() != 2 || Engine(l).Get(l, 1, LuaEngine.TableMeta) is not Dictionary<string, object?> map) return 0;
        var key = Str(l, 2);
        if (!map.TryGetValue(key, out var value)) return 0;
        return PushValue(l, value, v => map[key] = v);
    }

    private static int TableSet(LuaState l)
    {
        if (l.GetTop() != 3 || Engine(l).Get(l, 1, LuaEngine.TableMeta) is not Dictionary<string, object?> map) return 0;
        if (ReadValue(l, 3, topLevel: true, out var value)) map[Str(l, 2)] = value;
        return 0;
    }

    private static int TableLen(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.TableMeta) is not Dictionary<string, object?> map) return 0;
        l.PushInteger(map.Count);
        return 1;
    }

    private static int TableDel(LuaState l)
    {
        if (l.GetTop() != 2 || Engine(l).Get(l, 1, LuaEngine.TableMeta) is not Dictionary<string, object?> map) return 0;
        map.Remove(Str(l, 2));
        return 0;
    }

    private static int TableKeys(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.TableMeta) is not Dictionary<string, object?> map) return 0;
        var keys = new List<string>(map.Keys);
        keys.Sort(StringComparer.Ordinal);
        var list = new List<object?>(keys.Count);
        foreach (var k in keys) list.Add(k);
        Push(l, list);
        return 1;
    }

    private static int TableKeyExists(LuaState l)
    {
        if (l.GetTop() != 2 || Engine(l).Get(l, 1, LuaEngine.TableMeta) is not Dictionary<string, object?> map) return 0;
        l.PushBoolean(map.ContainsKey(Str(l, 2)));
        return 1;
    }

    private static int ListGet(LuaState l)
    {
        if (l.GetTop() != 2 || Engine(l).Get(l, 1, LuaEngine.ListMeta) is not List<object?> list) return 0;
        var index = (int)l.ToNumber(2);
        if (index < 0 || index >= list.Count) return 0;
        return PushValue(l, list[index], v => list[index] = v);
    }

    private static int ListSet(LuaState l)
    {
        if (l.GetTop() != 3 || Engine(l).Get(l, 1, LuaEngine.ListMeta) is not List<object?> list) return 0;
        var index = (int)l.ToNumber(2);
        if (index < 0) return 0;
        while (list.Count <= index) list.Add(null);
        if (ReadValue(l, 3, topLevel: true, out var value)) list[index] = value;
        return 0;
    }

    private static int ListLen(LuaState l)
    {
        if (Engine(l).Get(l, 1, LuaEngine.ListMeta) is not List<object?> list) return 0;
        l.PushInteger(list.Count);
        return 1;
    }

    private static int ListDel(LuaState l)
    {
        if (l.GetTop() != 2 || Engine(l).Get(l, 1, LuaEngine.ListMeta) is not List<object?> list) return 0;
        var index = (int)l.ToNumber(2);
        if (index >= 0 && index < list.Count) list.RemoveAt(index);
        return 0;
    }

    /// <summary>
    /// Pushes a data value. Objects and arrays still held as JsonElement are copied one level into a map/list and
    /// stored back into their parent first, so that changes made through the returned luaTable/luaList stick.
    /// </summary>
    private static int PushValue(LuaState l, object? value, Action<object?> storeBack)
    {
        if (value is JsonElement { ValueKind: JsonValueKind.Object or JsonValueKind.Array } element)
        {
            value = element.ValueKind == JsonValueKind.Object ? DataTree.AsMap(element) : DataTree.AsList(element);
            storeBack(value);
        }
        switch (DataTree.Unwrap(value))
        {
            case null: l.PushNil(); return 1;
            case string s: l.PushString(s); return 1;
            case bool b: l.PushBoolean(b); return 1;
            case int i: l.PushInteger(i); return 1;
            case long n: l.PushInteger(n); return 1;
            case double d: PushNumber(l, d); return 1;
            case RawNumber raw:
                if (long.TryParse(raw.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) l.PushInteger(whole);
                else PushNumber(l, double.Parse(raw.Text, NumberStyles.Float, CultureInfo.InvariantCulture));
                return 1;
            case Dictionary<string, object?> map: Push(l, map); return 1;
            case List<object?> list: Push(l, list); return 1;
            default: l.PushString(value!.ToString() ?? ""); return 1;
        }
    }

    /// <summary>Go's float64 prints whole numbers without ".0"; Lua 5.4 floats would, so whole values go as integers.</summary>
    private static void PushNumber(LuaState l, double d)
    {
        if (d == Math.Floor(d) && Math.Abs(d) < 9.2e18) l.PushInteger((long)d);
        else l.PushNumber(d);
    }

    /// <summary>
    /// krakend-lua tableSet/listSet + ParseToTable: a Lua table becomes a map with string keys; nested tables whose
    /// keys are all integers become lists (the top level one stays a map, as in KrakenD).
    /// </summary>
    private static bool ReadValue(LuaState l, int index, bool topLevel, out object? value)
    {
        index = l.AbsIndex(index);
        switch (l.Type(index))
        {
            case LuaType.String: value = l.ToString(index, false); return true;
            case LuaType.Boolean: value = l.ToBoolean(index); return true;
            case LuaType.Number:
                if (l.IsInteger(index)) value = l.ToInteger(index);
                else value = l.ToNumber(index);
                return true;
            case LuaType.UserData:
                value = Engine(l).GetAny(l, index);
                return value is Dictionary<string, object?> or List<object?>;
            case LuaType.Table:
                var map = DataTree.NewMap();
                var allInts = true;
                l.PushNil();
                while (l.Next(index))
                {
                    string key;
                    if (l.Type(-2) == LuaType.Number)
                    {
                        key = l.IsInteger(-2) ? l.ToInteger(-2).ToString(CultureInfo.InvariantCulture) : Codecs.GoJsonWriter.FormatFloat(l.ToNumber(-2));
                        allInts &= l.IsInteger(-2);
                    }
                    else
                    {
                        key = l.Type(-2) == LuaType.String ? l.ToString(-2, false) : "";
                        allInts = false;
                    }
                    if (ReadValue(l, -1, topLevel: false, out var item)) map[key] = item;
                    l.Pop(1);
                }
                if (topLevel || !allInts || map.Count == 0) { value = map; return true; }
                var keys = new List<long>(map.Count);
                foreach (var k in map.Keys) keys.Add(long.Parse(k, CultureInfo.InvariantCulture));
                keys.Sort();
                var list = new List<object?>(keys.Count);
                foreach (var k in keys) list.Add(map[k.ToString(CultureInfo.InvariantCulture)]);
                value = list;
                return true;
            default:
                value = null;
                return false;
        }
    }
}
