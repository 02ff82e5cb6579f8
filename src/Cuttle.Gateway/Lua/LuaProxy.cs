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

        // User scripts have no time bound: they run on the thread pool, never on a socket thread (where the request
        // path and backend replies run inline), so a slow script holds up its own request only.
        if (!Thread.CurrentThread.IsThreadPoolThread) await Task.Yield();
        // One state for the whole call, as krakend-lua keeps one binder for pre and post.
        var engine = script.Rent();
        try
        {
            var error = RunSourcesIfLive(engine);
            if (error is not null) return ProxyResult.Fail(error);
            var url = urlBuilder is null ? "" : request.BackendUrl ?? urlBuilder(request);
            var view = new LuaRequest(request, paramNames, url, PathOf(url));
            engine.Request = view;
            if (options.Pre.Length > 0)
            {
                error = engine.RunPre();
                if (error is not null) return ProxyResult.Fail(error);
                request = view.ToProxyRequest();
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
            if (!Thread.CurrentThread.IsThreadPoolThread) await Task.Yield(); // the backend's reply may resume on a socket thread
            engine.Response = response;
            error = engine.RunPost();
            return error is null ? ProxyResult.Ok(response) : ProxyResult.Fail(error);
        }
        finally
        {
            script.Return(engine);
        }
    }

    private ProxyError? RunSourcesIfLive(LuaEngine engine)
    {
        if (!script.Options.Live || script.Options.Sources.IsDefaultOrEmpty) return null;
        var text = LuaScript.ReadSources(script.Options, script.Owner, out var readError);
        return text is null ? new ProxyError(readError!) : engine.RunSources(text);
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
