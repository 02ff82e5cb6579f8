using Cuttle.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cuttle.Gateway.Telemetry.OpenTelemetry;

/// <summary>
/// krakend-otel's router/gin wrapper: marks the matched endpoint so the global layer reports its pattern as
/// http.route. It only forwards; the global layer finds it as the route table's handler, so nothing is stored per
/// request.
/// </summary>
internal sealed class RouteTelemetryHandler(IEndpointHandler inner, string route) : IEndpointHandler
{
    public string Route { get; } = route;

    public Task HandleAsync(HttpContext context, string[] parameters) => inner.HandleAsync(context, parameters);
}
