using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Lua;

/// <summary>
/// modifier/lua-endpoint at endpoint level (krakend-lua router/gin HandlerFactory): runs the <c>pre</c> script on
/// the live HTTP request before the endpoint handler. A custom_error with a code aborts with that status (and its
/// content type); any other error aborts with 500. gin's AbortWithError writes no body.
/// </summary>
internal sealed partial class LuaEndpointHandler(IEndpointHandler inner, LuaScript script, string[] paramNames, string endpoint, ILogger logger)
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

        // User scripts have no time bound: off the socket thread that parsed the request (see LuaProxy).
        if (!Thread.CurrentThread.IsThreadPoolThread) await Task.Yield();
        var engine = script.Rent();
        Data.ProxyError? error;
        try
        {
            engine.Context = new LuaHttpContext(context, paramNames, parameters);
            error = engine.RunPre();
        }
        finally
        {
            script.Return(engine);
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
        [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}][Lua] {Reason}")]
        public static partial void Aborted(ILogger logger, string endpoint, string reason);
    }
}
