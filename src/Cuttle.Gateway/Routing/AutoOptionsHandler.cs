using Cuttle.Config.Model;
using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Routing;

/// <summary>
/// router.auto_options (lura router/gin router.go registerOptionEndpoints): every endpoint path gets an OPTIONS route
/// that answers 200 with no body, <c>Allow</c> set to the path's methods (sorted, ", "-joined) and X-Krakend.
/// </summary>
internal sealed class AutoOptionsHandler(string allow, string versionHeader) : IEndpointHandler
{
    /// <summary>lura registers only these methods, and catalogues a path's methods as it registers them.</summary>
    private static readonly string[] RoutedMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public Task HandleAsync(HttpContext context, string[] parameters)
    {
        var headers = context.Response.Headers;
        headers.Allow = allow;
        headers[ResponseHeaders.Krakend] = versionHeader;
        return Task.CompletedTask;
    }

    /// <summary>Adds the OPTIONS routes when the router asks for them; a path that already has OPTIONS keeps its own.</summary>
    public static void Register(RouteTable<IEndpointHandler>.Builder routes, GatewayConfig config)
    {
        if (!config.Router.AutoOptions) return;
        var catalog = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var endpoint in config.Endpoints)
        {
            if (Array.IndexOf(RoutedMethods, endpoint.Method) < 0) continue;
            if (!catalog.TryGetValue(endpoint.Endpoint, out var methods)) catalog[endpoint.Endpoint] = methods = [];
            methods.Add(endpoint.Method);
        }
        var version = config.Router.HideVersionHeader ? ResponseHeaders.HiddenVersionValue : ResponseHeaders.VersionValue;
        foreach (var (path, methods) in catalog)
        {
            methods.Sort(StringComparer.Ordinal);
            routes.Add("OPTIONS", path, new AutoOptionsHandler(string.Join(", ", methods), version));
        }
    }
}
