using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// modifier/lua-endpoint at endpoint level (krakend-lua router/gin HandlerFactory): runs the <c>pre</c> script on
/// the live HTTP request before the endpoint handler. A custom_error with a code aborts with that status (and its
/// content type); any other error aborts with 500. gin's AbortWithError writes no body. The script runs on the Lua
/// threads and is stopped at the endpoint timeout or when the client hangs up (500, as for any script error).
/// </summary>
internal sealed partial class LuaEndpointHandler(IEndpointHandler inner, LuaScript script, string[] paramNames, string endpoint, TimeSpan timeout, ILogger logger,
    TimeProvider? time = null)
    : IEndpointHandler
{
    public async Task HandleAsync(HttpContext context, string[] parameters)
    {
        var request = context.Request;
        // Lua callbacks are synchronous and Kestrel forbids synchronous reads: buffer a body first.
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
        if (error is null && (script.Options.Pre.Length > 0 || live is not null))
        {
            using var cts = PooledTimeout.Start(timeout, context.RequestAborted, time ?? TimeProvider.System);
            var call = new LuaCall(script, LuaStep.Pre, cts.Token) { LiveSources = live, Context = new LuaHttpContext(context, paramNames, parameters) };
            (var engine, error) = await LuaWorkers.Shared.RunAsync(call).ConfigureAwait(false);
            if (engine is not null) LuaScript.Close(engine);
        }
        if (error is not null)
        {
            Log.Aborted(logger, endpoint, error.Message);
            context.Response.StatusCode = error.StatusCode == 0 ? StatusCodes.Status500InternalServerError : error.StatusCode;
            if (error.ContentType is not null) context.Response.Headers.ContentType = error.ContentType;
            return;
        }
        await inner.HandleAsync(context, parameters).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.LuaAborted, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}][Lua] {Reason}")]
        public static partial void Aborted(ILogger logger, string endpoint, string reason);
    }
}
