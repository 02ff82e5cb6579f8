using Cuttle.Gateway.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// modifier/lua-endpoint in the service's extra_config (krakend-lua router/gin Register): a gin engine middleware that
/// runs the <c>pre</c> script (after the sources; never <c>post</c>) with the <c>ctx</c> API on every request the
/// engine's handlers serve (endpoints, /__debug/, /__echo/, 404, 405). Any script error, custom_error included
/// whatever its code, aborts with 500 and no body (Register calls AbortWithError(500) and ignores the code), then
/// nothing else runs. gin routes before its middlewares run, so a script changing the URL does not change the route.
/// <para>
/// KrakenD gives the script no deadline; here it is stopped at the service timeout or when the client hangs up, so a
/// runaway script cannot hold a Lua thread for ever.
/// </para>
/// <para>
/// ctx:params() is gin's c.Params, which gin fills from the matched route before it runs the route's handler chain
/// (the engine middlewares are part of it): the endpoint's params, keyed as written, and none for a 404 or 405.
/// Setting one writes that same c.Params, which lura's endpoint handler then reads: the endpoint (its url_pattern, its
/// own Lua) sees the new value. gin appends a key the route does not have; no endpoint reads it, so it is not kept.
/// </para>
/// </summary>
internal sealed partial class LuaServiceHandler(LuaScript script, Routing.RouteTable<string[]> paramNames, TimeSpan timeout, ILogger logger, TimeProvider time)
{
    private static readonly string[] NoParams = [];

    public Task HandleAsync(HttpContext context, Generation generation, int nextFilter)
    {
        var path = generation.RoutePath(context);
        var method = context.Request.Method;
        if (generation.BypassesMiddleware(context, path, method)) return generation.Continue(context, nextFilter, path, method);
        return RunAsync(context, generation, nextFilter, path, method);
    }

    private async Task RunAsync(HttpContext context, Generation generation, int nextFilter, string path, string method)
    {
        var route = paramNames.Find(method, path);
        var luaContext = route.Handler is { } names ? new LuaHttpContext(context, names, route.Params) : new LuaHttpContext(context, NoParams, NoParams);
        var error = await LuaPreStep.RunAsync(context, script, luaContext, timeout, time).ConfigureAwait(false);
        if (error is not null)
        {
            Log.Aborted(logger, error.Message);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        // A param the script set is in gin's c.Params, which the endpoint handler reads next: the endpoint gets it.
        await generation.Continue(context, nextFilter, path, method, luaContext.ParamsSet ? luaContext.Parameters : null).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.LuaServiceAborted, Level = LogLevel.Error, Message = "[SERVICE: Gin][Lua] {Reason}")]
        public static partial void Aborted(ILogger logger, string reason);
    }
}
