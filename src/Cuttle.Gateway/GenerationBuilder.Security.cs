using Cuttle.Config.Model;
using Cuttle.Gateway.Security;
using Cuttle.Gateway.Security.Cors;

namespace Cuttle.Gateway;

public static partial class GenerationBuilder
{
    /// <summary>
    /// CE's layering (executor.go): CORS wraps the whole http.Handler, so it is outermost; the service-level
    /// bot-detector is a gin engine middleware inside it.
    /// </summary>
    private static IServiceFilter[] BuildServiceFilters(GatewayConfig config)
    {
        var filters = new List<IServiceFilter>(2);
        if (config.Cors is { } cors) filters.Add(new CorsPolicy(cors));
        return [.. filters];
    }
}
