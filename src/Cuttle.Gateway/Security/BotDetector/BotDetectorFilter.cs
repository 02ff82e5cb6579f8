using Cuttle.Gateway.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Security.BotDetector;

/// <summary>
/// Service-level security/bot-detector: a gin engine middleware in CE, so it sees every request (built-ins and 404s
/// too) after CORS. A bot gets 403 with an empty body and no KrakenD headers (gin AbortWithStatus).
/// </summary>
internal sealed partial class BotDetectorFilter(BotDetector detector, ILogger logger) : IServiceFilter
{
    public Task? Intercept(HttpContext context)
    {
        if (!detector.IsBot(UserAgent(context.Request))) return null;
        Log.BotRejected(logger, context.Request.Method, context.Request.Path.Value ?? "");
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>Go's Header.Get("User-Agent"): the first value or "".</summary>
    internal static string UserAgent(HttpRequest request)
    {
        var values = request.Headers.UserAgent;
        return values.Count > 0 ? values[0] ?? "" : "";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BotRejectedByService, Level = LogLevel.Warning, Message = "[SERVICE: Botdetector] bot rejected: {Method} {Path}")]
        public static partial void BotRejected(ILogger logger, string method, string path);
    }
}
