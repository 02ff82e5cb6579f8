using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Security;
using Cuttle.Gateway.Security.BotDetector;
using Cuttle.Gateway.Security.Cors;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway;

public static partial class GenerationBuilder
{
    /// <summary>
    /// CE's layering (executor.go): CORS wraps the whole http.Handler, so it is outermost; the service-level
    /// bot-detector is a gin engine middleware inside it.
    /// </summary>
    private static IServiceFilter[] BuildServiceFilters(GatewayConfig config, ILogger logger)
    {
        var filters = new List<IServiceFilter>(2);
        if (config.Cors is { } cors) filters.Add(new CorsPolicy(cors));
        if (config.BotDetector is { } bots) filters.Add(new BotDetectorFilter(new BotDetector(bots), logger));
        return [.. filters];
    }

    /// <summary>
    /// Router-level wrappers of one endpoint, innermost first, so the result reads as CE's handler_factory chain
    /// (outer → inner): bot-detector → JOSE → endpoint handler.
    /// </summary>
    private static IEndpointHandler DecorateEndpoint(IEndpointHandler handler, EndpointConfig endpoint, HttpMessageInvoker client,
        TimeProvider time, ILogger logger)
    {
        handler = WrapLuaEndpoint(handler, endpoint, logger);
        if (endpoint.JwtValidator is { } jwt) handler = WrapValidator(handler, endpoint, jwt, client, time, logger);
        if (endpoint.BotDetector is { } bots)
            handler = new BotDetectorEndpointHandler(handler, new BotDetector(bots), endpoint.Endpoint, logger);
        return handler;
    }
}
