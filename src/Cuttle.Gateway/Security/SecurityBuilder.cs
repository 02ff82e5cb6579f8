using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Cuttle.Gateway.Security.BotDetector;
using Cuttle.Gateway.Security.Cors;

namespace Cuttle.Gateway.Security;

/// <summary>Build-time wiring of security/cors and security/http (service level) and security/bot-detector (service and endpoint level).</summary>
internal static class SecurityBuilder
{
    /// <summary>The extra_config namespaces this feature implements.</summary>
    public static readonly ImmutableArray<string> Namespaces = ["security/cors", "security/bot-detector", "security/http"];

    /// <summary>
    /// CE's layering (executor.go): CORS wraps the whole http.Handler, so it is outermost; the service-level
    /// bot-detector is a gin engine middleware inside it.
    /// </summary>
    public static IServiceFilter[] ServiceFilters(BuildContext context)
    {
        var filters = new List<IServiceFilter>(3);
        if (context.Config.Cors is { } cors) filters.Add(new CorsPolicy(cors));
        // CE router_engine.go: httpsecure.Register (engine.Use) comes before the bot detector's middleware.
        if (context.Config.HttpSecure is { } secure) filters.Add(new HttpSecure.HttpSecureFilter(secure, context.Logger));
        if (context.Config.BotDetector is { } bots) filters.Add(new BotDetectorFilter(new BotDetector.BotDetector(bots), context.Logger));
        return [.. filters];
    }

    /// <summary>Endpoint-level security/bot-detector, outermost of the endpoint's handlers; the handler itself when absent.</summary>
    public static IEndpointHandler WrapBotDetector(IEndpointHandler handler, EndpointConfig endpoint, BuildContext context)
    {
        if (endpoint.BotDetector is not { } bots) return handler;
        return new BotDetectorEndpointHandler(handler, new BotDetector.BotDetector(bots), endpoint.Endpoint, context.Logger);
    }
}
