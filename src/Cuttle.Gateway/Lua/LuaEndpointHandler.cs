using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Endpoints;
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
        var error = await LuaPreStep.RunAsync(context, script, new LuaHttpContext(context, paramNames, parameters), timeout, time ?? TimeProvider.System).ConfigureAwait(false);
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
