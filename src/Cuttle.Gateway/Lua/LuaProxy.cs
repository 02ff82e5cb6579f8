using Cuttle.Gateway.Data;
using Cuttle.Gateway.Proxy;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// krakend-lua proxy.New, used for both modifier/lua-proxy (around the endpoint's proxy pipe) and
/// modifier/lua-backend (around one backend): pre script on the request, the next layer (unless skip_next), post
/// script on the response. An error from the next layer is returned as is and the post script does not run.
/// </summary>
internal sealed class LuaProxy(LuaScript script, IProxy next, string[] paramNames, Func<ProxyRequest, string>? urlBuilder) : IProxy
{
    public async ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken ct)
    {
        var options = script.Options;
        // Lua callbacks are synchronous, so a body a script may read is buffered first.
        if (options.Pre.Length > 0) await request.BufferBodyAsync(ct).ConfigureAwait(false);
        string? live = null;
        if (script.IsLive && (live = script.ReadLiveSources(out var readError)) is null) return ProxyResult.Fail(readError!);

        var url = urlBuilder is null ? "" : request.BackendUrl ?? urlBuilder(request);
        var view = new LuaRequest(request, paramNames, url, PathOf(url));
        // Scripts run on the Lua threads, stopped when ct fires (the endpoint timeout or the client gone): a stopped
        // pre fails this layer as any script error does (KrakenD: the backend call fails; partial or 500).
        // One state for the whole call, as krakend-lua keeps one binder for pre and post.
        LuaEngine? engine = null;
        try
        {
            ProxyError? error;
            if (options.Pre.Length > 0 || live is not null)
            {
                (engine, error) = await LuaWorkers.Shared.RunAsync(new LuaCall(script, LuaStep.Pre, ct) { LiveSources = live, Request = view }).ConfigureAwait(false);
                if (error is not null) return ProxyResult.Fail(error);
                if (options.Pre.Length > 0) request = view.ToProxyRequest();
            }

            ProxyResponse response;
            if (!options.SkipNext)
            {
                var result = await next.InvokeAsync(request, ct).ConfigureAwait(false);
                if (result.Error is not null || result.Response is null) return result;
                response = result.Response;
            }
            else
            {
                response = ProxyResponse.Empty(complete: false);
            }
            if (options.Post.Length == 0) return ProxyResult.Ok(response);
            (engine, error) = await LuaWorkers.Shared.RunAsync(new LuaCall(script, LuaStep.Post, ct) { Engine = engine, Request = view, Response = response }).ConfigureAwait(false);
            return error is null ? ProxyResult.Ok(response) : ProxyResult.Fail(error);
        }
        finally
        {
            if (engine is not null) LuaScript.Close(engine);
        }
    }

    private static string PathOf(string url)
    {
        if (url.Length == 0) return "";
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : url.IndexOf('/', scheme + 3);
        if (start < 0) return "/";
        var end = url.IndexOf('?', start);
        return end < 0 ? url[start..] : url[start..end];
    }
}
