using Cuttle.Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// The part of modifier/lua-endpoint that is the same at the endpoint and at the service level: buffer the request
/// body (Lua's callbacks are synchronous and Kestrel forbids synchronous reads), read live sources, run the pre
/// snippet on a fresh state bounded by the request's timeout. What an error answers differs, so it is returned.
/// </summary>
internal static class LuaPreStep
{
    public static async ValueTask<Data.ProxyError?> RunAsync(HttpContext context, LuaScript script, LuaHttpContext luaContext, TimeSpan timeout, TimeProvider time)
    {
        var request = context.Request;
        if (request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0))
        {
            var ms = new MemoryStream();
            await request.Body.CopyToAsync(ms, context.RequestAborted).ConfigureAwait(false);
            ms.Position = 0;
            request.Body = ms;
        }

        Data.ProxyError? error = null;
        string? live = null;
        if (script.IsLive) live = script.ReadLiveSources(out error);
        if (error is null && (script.PreChunk is not null || live is not null))
        {
            using var cts = PooledTimeout.Start(timeout, context.RequestAborted, time);
            var call = new LuaCall(script, LuaStep.Pre, cts.Token) { LiveSources = live, Context = luaContext };
            (var engine, error) = await LuaWorkers.Shared.RunAsync(call).ConfigureAwait(false);
            if (engine is not null) LuaScript.Close(engine);
        }
        return error;
    }
}
