using Cuttle.Gateway.Diagnostics;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Security.BotDetector;

/// <summary>
/// Endpoint-level security/bot-detector: wraps the endpoint's handler (outermost after telemetry in CE's
/// handler_factory), so a bot gets 403 with an empty body before any KrakenD header is written.
/// </summary>
internal sealed partial class BotDetectorEndpointHandler(IEndpointHandler inner, BotDetector detector, string endpoint, ILogger logger) : IEndpointHandler
{
    public Task HandleAsync(HttpContext context, string[] parameters)
    {
        if (!detector.IsBot(BotDetectorFilter.UserAgent(context.Request))) return inner.HandleAsync(context, parameters);
        Log.BotRejected(logger, endpoint);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BotRejectedAtEndpoint, Level = LogLevel.Warning, Message = "[ENDPOINT: {Endpoint}][Botdetector] bot rejected")]
        public static partial void BotRejected(ILogger logger, string endpoint);
    }
}
