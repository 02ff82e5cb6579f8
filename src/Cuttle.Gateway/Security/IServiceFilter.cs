using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Security;

/// <summary>
/// A service-level layer in front of the router (CORS, service bot-detector): it runs for every request, built-in
/// endpoints and 404s included, as KrakenD's http.Handler wrappers and gin engine.Use middlewares do.
/// </summary>
internal interface IServiceFilter
{
    /// <summary>Null to let the request continue; otherwise the task that finishes the already-answered request.</summary>
    Task? Intercept(HttpContext context);
}
